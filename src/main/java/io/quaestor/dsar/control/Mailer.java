package io.quaestor.dsar.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;

/** Sends plain-text mail through the configured SMTP server ({@code quaestor.mail.*}). */
@ApplicationScoped
public class Mailer {

    @Inject
    @ConfigProperty(name = "quaestor.mail.host")
    Optional<String> host;

    @Inject
    @ConfigProperty(name = "quaestor.mail.port", defaultValue = "25")
    int port;

    @Inject
    @ConfigProperty(name = "quaestor.mail.from", defaultValue = "privacy@quaestor.invalid")
    String from;

    @Inject
    @ConfigProperty(name = "quaestor.mail.username")
    Optional<String> username;

    @Inject
    @ConfigProperty(name = "quaestor.mail.password")
    Optional<String> password;

    @Inject
    @ConfigProperty(name = "quaestor.mail.starttls", defaultValue = "false")
    boolean startTls;

    private Session session;

    @PostConstruct
    void configure() {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", host.orElse("localhost"));
        properties.put("mail.smtp.port", Integer.toString(port));
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "10000");
        properties.put("mail.smtp.starttls.enable", Boolean.toString(startTls));
        properties.put("mail.smtp.starttls.required", Boolean.toString(startTls));
        properties.put("mail.smtp.auth", Boolean.toString(username.isPresent()));
        Authenticator authenticator = username.isEmpty() ? null : new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(username.get(), password.orElse(""));
            }
        };
        session = Session.getInstance(properties, authenticator);
    }

    /** Whether an SMTP server is configured; without one, messages wait in the outbox. */
    public boolean configured() {
        return host.isPresent();
    }

    public void send(String to, String subject, String body, Instant now) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
        message.setSubject(subject, StandardCharsets.UTF_8.name());
        message.setText(body, StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(now));
        Transport.send(message);
    }
}
