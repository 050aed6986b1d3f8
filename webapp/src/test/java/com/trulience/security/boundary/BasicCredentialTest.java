package com.trulience.security.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicCredentialTest {

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void splitsAtTheFirstColonSoPasswordsMayContainColons() {
        var credential = AuthenticationMechanism.basicCredential(encode("admin:pa:ss"));
        assertEquals("admin", credential.getCaller());
        assertEquals("pa:ss", credential.getPasswordAsString());
    }

    @Test
    void decodesUtf8() {
        assertEquals("pässwörd", AuthenticationMechanism.basicCredential(encode("jörg:pässwörd")).getPasswordAsString());
    }

    @Test
    void rejectsCredentialsWithoutAUsernameOrColon() {
        assertNull(AuthenticationMechanism.basicCredential(encode(":secret")));
        assertNull(AuthenticationMechanism.basicCredential(encode("admin")));
    }

    @Test
    void rejectsTextThatIsNotBase64() {
        assertNull(AuthenticationMechanism.basicCredential("!!!"));
    }
}
