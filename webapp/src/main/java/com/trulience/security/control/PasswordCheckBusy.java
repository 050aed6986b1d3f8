package com.trulience.security.control;

/** Every password-hashing thread is busy and the few waiting places are taken: try again in a moment. */
public class PasswordCheckBusy extends RuntimeException {

    public PasswordCheckBusy() {
        super("too many password checks at once; try again in a moment");
    }
}
