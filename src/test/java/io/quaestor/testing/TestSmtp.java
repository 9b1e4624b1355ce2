package io.quaestor.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * The SMTP server the test Payara sends to (arquillian.xml: quaestor.mail.port=13025), in the
 * test JVM. Each IT class starts it before its tests and stops it after.
 */
public final class TestSmtp {

    public static final int PORT = 13025;

    private final GreenMail server = new GreenMail(new ServerSetup(PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    public static TestSmtp start() {
        TestSmtp smtp = new TestSmtp();
        smtp.server.start();
        return smtp;
    }

    public void stop() {
        server.stop();
    }

    /** How many messages reached this address so far. */
    public long count(String to) throws MessagingException {
        long n = 0;
        for (MimeMessage message : server.getReceivedMessages()) {
            if (message.getAllRecipients()[0].toString().equalsIgnoreCase(to)) {
                n++;
            }
        }
        return n;
    }

    /** The body of the first message to this address whose subject contains the text, waiting up to 15 s. */
    public String awaitBody(String to, String subjectContains) throws InterruptedException, MessagingException {
        for (int i = 0; i < 60; i++) {
            for (MimeMessage message : server.getReceivedMessages()) {
                if (message.getAllRecipients()[0].toString().equalsIgnoreCase(to) && message.getSubject().contains(subjectContains)) {
                    return GreenMailUtil.getBody(message);
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no message '" + subjectContains + "' reached " + to);
    }

    /** Like {@link #awaitBody}, but the text as the reader sees it (transfer encoding undone): for links and codes in the mail. */
    public String awaitText(String to, String subjectContains) throws Exception {
        for (int i = 0; i < 60; i++) {
            for (MimeMessage message : server.getReceivedMessages()) {
                if (message.getAllRecipients()[0].toString().equalsIgnoreCase(to) && message.getSubject().contains(subjectContains)) {
                    return message.getContent().toString();
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no message '" + subjectContains + "' reached " + to);
    }
}
