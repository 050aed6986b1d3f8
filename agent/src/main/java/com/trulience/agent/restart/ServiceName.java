package com.trulience.agent.restart;

import java.util.regex.Pattern;

/**
 * A service name that is safe to hand to systemctl or sc.exe as one argument: ASCII letters, digits,
 * '@', '.', '_' and '-', starting with a letter or digit. The first character matters: a name such as
 * {@code -H.service} would be read by systemctl as an option (a remote host), and {@code ..} as a path.
 * ASCII only, so Unicode look-alikes (Cyrillic 'і', fullwidth letters) never match an allow-listed name.
 */
public record ServiceName(String value) {

    static final Pattern RULE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@._-]{0,63}");
    public static final String RULE_TEXT = "1-64 ASCII letters, digits, '@', '.', '_' or '-', starting with a letter or digit";

    public ServiceName {
        if (!valid(value)) {
            throw new IllegalArgumentException("not a service name (" + RULE_TEXT + ")");
        }
    }

    public static boolean valid(String value) {
        return value != null && RULE.matcher(value).matches() && !value.endsWith(".service");
    }

    @Override
    public String toString() {
        return value;
    }
}
