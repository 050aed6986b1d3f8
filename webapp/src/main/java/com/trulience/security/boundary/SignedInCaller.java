package com.trulience.security.boundary;

import java.io.Serializable;
import java.util.Set;

/** Who signed in through the login form; kept in the HTTP session. */
record SignedInCaller(String name, Set<String> groups) implements Serializable {

    static final String SESSION_ATTRIBUTE = SignedInCaller.class.getName();
}
