package com.trulience.security.boundary;

import java.io.Serializable;
import java.util.Set;

/**
 * Who signed in through the login form; kept in the HTTP session. {@code passwordStamp} identifies the password
 * they signed in with (a digest of its hash), so that changing it ends their other sessions.
 */
record SignedInCaller(String name, Set<String> groups, String passwordStamp) implements Serializable {

    static final String SESSION_ATTRIBUTE = SignedInCaller.class.getName();
}
