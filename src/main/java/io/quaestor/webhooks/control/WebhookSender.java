package io.quaestor.webhooks.control;

import io.quaestor.platform.outbox.HttpDelivery;
import io.quaestor.platform.outbox.Outbox;
import io.quaestor.platform.outbox.OutboxRows;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Delivers queued webhooks one per transaction (SKIP LOCKED: one instance per webhook). A 2xx
 * answer delivers it; anything else is retried after 1, 2, 4 ... up to 60 minutes.
 */
@ApplicationScoped
public class WebhookSender implements Outbox {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.gateway.webhook.url")
    Optional<String> url;

    @Inject
    @ConfigProperty(name = "quaestor.gateway.webhook.secret")
    Optional<String> secret;

    @Override
    public String name() {
        return "gateway-webhooks";
    }

    @Override
    public boolean enabled() {
        return url.isPresent() && secret.isPresent();
    }

    @Override
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public boolean deliverNext() {
        Instant now = clock.instant();
        return OutboxRows.deliverNext(quaestor, "gateway_webhook", false, now, row -> post(row.id(), row.payload(), now));
    }

    /** @return null when delivered, else what went wrong (a status or an exception's class, never a body) */
    private String post(UUID id, String body, Instant now) {
        String signature = GatewayWebhooks.signature(Base64.getDecoder().decode(secret.orElseThrow().trim()), now.getEpochSecond(), body);
        return HttpDelivery.post(url.orElseThrow(), body, Map.of("Quaestor-Event-Id", id.toString(), "Quaestor-Signature", signature));
    }
}
