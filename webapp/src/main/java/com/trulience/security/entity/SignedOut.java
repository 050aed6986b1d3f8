package com.trulience.security.entity;

/** A dashboard session of the user ended (sign-out, or its password changed): its live pages must stop listening. */
public record SignedOut(String username) {
}
