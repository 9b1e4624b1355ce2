package io.quaestor.referencestore.generator;

import org.mindrot.jbcrypt.BCrypt;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fills the reference gateway store with realistic data through PostgreSQL {@code COPY}: tenants in
 * two regions with mixed retention settings, accounts (some closed, names in several scripts),
 * bcrypt-hashed API keys, AES-256-GCM-sealed provider keys, request metadata over a span of days
 * with a few heavy accounts, billing, console records and operational logs. Deterministic for a
 * seed, except for a per-run batch label that keeps usernames and emails unique across runs.
 */
public final class GatewayDataGenerator {

    /** Where connections come from: a pooled DataSource in the server, DriverManager on the command line. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private static final String[] GIVEN = {"Ana", "Jonas", "Priya", "Mateo", "Chloé", "Sven", "Aiyana", "Kwame",
            "王伟", "李娜", "佐藤 花子", "김민준", "محمد", "فاطمة", "Иван", "Ελένη", "Nguyễn Văn An", "Oluwaseun"};
    private static final String[] FAMILY = {"García", "Müller", "Okafor", "Nakamura", "Silva", "Johansson", "Khan",
            "Dubois", "Novák", "Haddad", "Kowalski", "O'Brien", "van der Berg", "陈", "أحمد", "Петров"};
    private static final String[] TITLES = {"Engineer", "Data Scientist", "CTO", "Product Manager", "Researcher", null};
    private static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "claude-3-haiku",
            "gemini-1.5-pro", "mistral-large", "o1-mini"};
    private static final String[] AGENTS = {"openai-python/1.54.3", "anthropic-sdk-typescript/0.32.1", "curl/8.5.0",
            "langchain/0.3.7", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15"};
    private static final String[] DEVICES = {"macOS laptop", "Windows desktop", "iPhone", "Android phone", "Linux workstation"};
    private static final int[] RETENTION_DAYS = {30, 90, 90, 90, 180, 365, 730};
    private static final int BCRYPT_COST = 4;

    private final ConnectionSource connections;
    private final int threads;

    public GatewayDataGenerator(ConnectionSource connections, int threads) {
        this.connections = connections;
        this.threads = Math.max(1, threads);
    }

    public GenerationReport generate(GenerationPlan plan) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        String batch = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Long> rows = new LinkedHashMap<>();
        Population population = new Population(plan, batch);
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            rows.put("organizations", organizations(c, population));
            rows.put("accounts", accounts(c, population));
            rows.put("api_keys", apiKeys(c, population));
            rows.put("provider_keys", providerKeys(c, population));
            billing(c, population, rows);
            console(c, population, rows);
            logs(c, population, rows);
            ensurePartitions(c, plan);
            c.commit();
        }
        long metadataStart = System.nanoTime();
        rows.put("request_metadata", metadata(population));
        long end = System.nanoTime();
        return new GenerationReport(batch, rows, Duration.ofNanos(end - metadataStart).toMillis(),
                Duration.ofNanos(end - start).toMillis());
    }

    /** Everything that later tables need to refer to, kept in memory once. */
    private static final class Population {
        final GenerationPlan plan;
        final String batch;
        final UUID[] organizationIds;
        final UUID[] accountIds;
        final int[] accountOrganization;
        final UUID[] keyIds;
        final Instant end;
        final Instant begin;

        Population(GenerationPlan plan, String batch) {
            this.plan = plan;
            this.batch = batch;
            SplittableRandom random = new SplittableRandom(plan.seed());
            organizationIds = new UUID[plan.organizations()];
            for (int i = 0; i < organizationIds.length; i++) {
                organizationIds[i] = uuid(random);
            }
            accountIds = new UUID[plan.accounts()];
            accountOrganization = new int[plan.accounts()];
            keyIds = new UUID[plan.accounts()];
            for (int i = 0; i < accountIds.length; i++) {
                accountIds[i] = uuid(random);
                keyIds[i] = uuid(random);
                accountOrganization[i] = i < organizationIds.length ? i : random.nextInt(organizationIds.length);
            }
            end = plan.lastDay().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            begin = end.minus(Duration.ofDays(plan.days()));
        }

        Instant randomInstant(SplittableRandom random) {
            return begin.plusMillis(random.nextLong(Duration.between(begin, end).toMillis()));
        }
    }

    private long organizations(Connection c, Population p) throws SQLException {
        SplittableRandom random = new SplittableRandom(p.plan.seed() + 1);
        try (CopyWriter copy = new CopyWriter(c, "organizations", "id, name, region, metadata_retention_days, created_at")) {
            for (int i = 0; i < p.organizationIds.length; i++) {
                copy.uuid(p.organizationIds[i]).text("Org " + p.batch + "-" + i)
                        .text(random.nextInt(10) == 0 ? "cn" : "global")
                        .number(RETENTION_DAYS[random.nextInt(RETENTION_DAYS.length)])
                        .raw(p.begin.minus(Duration.ofDays(400)).toString());
                copy.endRow();
            }
            return p.organizationIds.length;
        }
    }

    private long accounts(Connection c, Population p) throws SQLException {
        SplittableRandom random = new SplittableRandom(p.plan.seed() + 2);
        try (CopyWriter copy = new CopyWriter(c, "accounts", "id, organization_id, email, name, username, company, "
                + "job_title, phone, status, closed_at, processing_restricted, created_at, updated_at")) {
            for (int i = 0; i < p.accountIds.length; i++) {
                boolean closed = random.nextInt(20) == 0;
                Instant created = p.begin.minus(Duration.ofDays(30 + random.nextInt(700)));
                Instant closedAt = closed ? p.end.minus(Duration.ofHours(1 + random.nextInt(24 * 90))) : null;
                copy.uuid(p.accountIds[i]).uuid(p.organizationIds[p.accountOrganization[i]])
                        .text("user-" + p.batch + "-" + i + "@org" + p.accountOrganization[i] + ".example")
                        .text(GIVEN[random.nextInt(GIVEN.length)] + " " + FAMILY[random.nextInt(FAMILY.length)])
                        .text("u" + p.batch + i).text(random.nextInt(3) == 0 ? null : "Company " + p.accountOrganization[i])
                        .text(TITLES[random.nextInt(TITLES.length)])
                        .text(random.nextInt(2) == 0 ? null : "+1555" + String.format("%07d", random.nextInt(10_000_000)))
                        .text(closed ? "closed" : "active").raw(closedAt == null ? null : closedAt.toString())
                        .bool(false).raw(created.toString()).raw(closed ? closedAt.toString() : created.toString());
                copy.endRow();
            }
            return p.accountIds.length;
        }
    }

    private long apiKeys(Connection c, Population p) throws SQLException {
        SplittableRandom random = new SplittableRandom(p.plan.seed() + 3);
        String salt = BCrypt.gensalt(BCRYPT_COST);
        try (CopyWriter copy = new CopyWriter(c, "api_keys",
                "id, account_id, organization_id, name, key_prefix, key_hash, created_at, last_used_at")) {
            for (int i = 0; i < p.accountIds.length; i++) {
                String secret = "gk-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
                copy.uuid(p.keyIds[i]).uuid(p.accountIds[i]).uuid(p.organizationIds[p.accountOrganization[i]])
                        .text("default").text(keyPrefix(p.batch, i))
                        // One salt per run keeps hashing affordable; every key still has its own hash.
                        .text(BCrypt.hashpw(secret, salt))
                        .raw(p.begin.toString()).raw(p.end.minusSeconds(60).toString());
                copy.endRow();
            }
            return p.accountIds.length;
        }
    }

    private long providerKeys(Connection c, Population p) throws SQLException {
        SplittableRandom random = new SplittableRandom(p.plan.seed() + 4);
        byte[] demoKek = new byte[32];
        fill(random, demoKek);
        String[] providers = {"openai", "anthropic", "google", "mistral"};
        long count = 0;
        try (CopyWriter copy = new CopyWriter(c, "provider_keys",
                "id, organization_id, provider, ciphertext, nonce, kek_version, created_at")) {
            for (int i = 0; i < p.organizationIds.length; i += 3) {
                byte[] nonce = new byte[12];
                fill(random, nonce);
                byte[] sealed = seal(demoKek, nonce, ("sk-demo-" + Long.toHexString(random.nextLong())).getBytes());
                copy.uuid(uuid(random)).uuid(p.organizationIds[i]).text(providers[random.nextInt(providers.length)])
                        .raw("\\\\x" + HexFormat.of().formatHex(sealed)).raw("\\\\x" + HexFormat.of().formatHex(nonce))
                        .number(1).raw(p.begin.toString());
                copy.endRow();
                count++;
            }
        }
        return count;
    }

    private void billing(Connection c, Population p, Map<String, Long> rows) throws SQLException {
        SplittableRandom random = new SplittableRandom(p.plan.seed() + 5);
        long invoices = 0;
        long payments = 0;
        List<UUID[]> paid = new ArrayList<>();
        try (CopyWriter copy = new CopyWriter(c, "invoices", "id, organization_id, account_id, number, issued_at, "
                + "amount_cents, currency, billing_name, billing_email, billing_address, tax_id, status")) {
            for (int i = 0; i < p.accountIds.length; i++) {
                int months = 1 + random.nextInt(3);
                for (int m = 0; m < months; m++) {
                    UUID id = uuid(random);
                    boolean isPaid = random.nextInt(5) != 0;
                    copy.uuid(id).uuid(p.organizationIds[p.accountOrganization[i]]).uuid(p.accountIds[i])
                            .text("INV-" + p.batch + "-" + i + "-" + m).raw(p.end.minus(Duration.ofDays(30L * m + 1)).toString())
                            .number(500 + random.nextInt(200_000)).text(random.nextInt(10) == 0 ? "CNY" : "USD")
                            .text("Billing contact " + i).text("billing-" + p.batch + "-" + i + "@org" + p.accountOrganization[i] + ".example")
                            .text(random.nextInt(500) + " Market Street, Springfield").text("VAT" + random.nextInt(1_000_000))
                            .text(isPaid ? "paid" : "open");
                    copy.endRow();
                    invoices++;
                    if (isPaid) {
                        paid.add(new UUID[]{id, p.accountIds[i]});
                    }
                }
            }
        }
        try (CopyWriter copy = new CopyWriter(c, "payments",
                "id, invoice_id, account_id, processor, payment_method_id, receipt_id, amount_cents, currency, paid_at")) {
            for (UUID[] invoice : paid) {
                boolean wechat = random.nextInt(10) == 0;
                copy.uuid(uuid(random)).uuid(invoice[0]).uuid(invoice[1]).text(wechat ? "wechat_pay" : "stripe")
                        .text(wechat ? "wxp_" + Long.toHexString(random.nextLong()) : "pm_" + Long.toHexString(random.nextLong()))
                        .text("rcpt_" + Long.toHexString(random.nextLong())).number(500 + random.nextInt(200_000))
                        .text(wechat ? "CNY" : "USD").raw(p.randomInstant(random).toString());
                copy.endRow();
                payments++;
            }
        }
        long topUps = 0;
        long ledger = 0;
        try (CopyWriter topUp = new CopyWriter(c, "top_ups", "id, account_id, amount_cents, created_at")) {
            for (int i = 0; i < p.accountIds.length; i += 2) {
                topUp.uuid(uuid(random)).uuid(p.accountIds[i]).number(1_000 + random.nextInt(50_000))
                        .raw(p.randomInstant(random).toString());
                topUp.endRow();
                topUps++;
            }
        }
        try (CopyWriter entry = new CopyWriter(c, "balance_ledger", "account_id, delta_cents, reason, created_at")) {
            for (int i = 0; i < p.accountIds.length; i++) {
                for (int k = 0; k < 3; k++) {
                    boolean credit = k == 0;
                    entry.uuid(p.accountIds[i]).number(credit ? 5_000 : -random.nextInt(1_000))
                            .text(credit ? "top_up" : "usage").raw(p.randomInstant(random).toString());
                    entry.endRow();
                    ledger++;
                }
            }
        }
        rows.put("invoices", invoices);
        rows.put("payments", payments);
        rows.put("top_ups", topUps);
        rows.put("balance_ledger", ledger);
    }

    private void console(Connection c, Population p, Map<String, Long> rows) throws SQLException {
        SplittableRandom random = new SplittableRandom(p.plan.seed() + 6);
        long logins = 0;
        long events = 0;
        try (CopyWriter copy = new CopyWriter(c, "login_records", "account_id, occurred_at, source_ip, device, user_agent, succeeded")) {
            for (int i = 0; i < p.accountIds.length; i++) {
                for (int k = 0; k < 4; k++) {
                    copy.uuid(p.accountIds[i]).raw(p.randomInstant(random).toString()).raw(ip(random))
                            .text(DEVICES[random.nextInt(DEVICES.length)]).text(AGENTS[4]).bool(random.nextInt(8) != 0);
                    copy.endRow();
                    logins++;
                }
            }
        }
        try (CopyWriter copy = new CopyWriter(c, "security_events",
                "organization_id, account_id, occurred_at, kind, source_ip, details")) {
            for (int i = 0; i < p.accountIds.length; i += 10) {
                copy.uuid(p.organizationIds[p.accountOrganization[i]]).uuid(p.accountIds[i])
                        .raw(p.randomInstant(random).toString())
                        .text(random.nextBoolean() ? "api_key_created" : "password_reset").raw(ip(random)).text(null);
                copy.endRow();
                events++;
            }
        }
        rows.put("login_records", logins);
        rows.put("security_events", events);
    }

    /** Ten days of logs, so that the 7-day purge has something to remove. One COPY at a time per connection. */
    private void logs(Connection c, Population p, Map<String, Long> rows) throws SQLException {
        long count = Math.max(100, p.accountIds.length * 5L);
        Instant logsBegin = p.end.minus(Duration.ofDays(10));
        long tenDays = Duration.ofDays(10).toMillis();
        SplittableRandom random = new SplittableRandom(p.plan.seed() + 7);
        try (CopyWriter system = new CopyWriter(c, "system_logs", "occurred_at, level, component, request_id, message")) {
            for (long i = 0; i < count; i++) {
                system.raw(logsBegin.plusMillis(random.nextLong(tenDays)).toString())
                        .text(random.nextInt(20) == 0 ? "WARN" : "INFO").text("router").uuid(uuid(random))
                        .text("upstream answered");
                system.endRow();
            }
        }
        try (CopyWriter edge = new CopyWriter(c, "edge_access_logs", "occurred_at, source_ip, method, path, status")) {
            for (long i = 0; i < count; i++) {
                edge.raw(logsBegin.plusMillis(random.nextLong(tenDays)).toString()).raw(ip(random)).text("POST")
                        .text("/v1/chat/completions").number(random.nextInt(30) == 0 ? 429 : 200);
                edge.endRow();
            }
        }
        rows.put("system_logs", count);
        rows.put("edge_access_logs", count);
    }

    private static void ensurePartitions(Connection c, GenerationPlan plan) throws SQLException {
        LocalDate first = plan.lastDay().minusDays(plan.days() - 1L);
        try (PreparedStatement s = c.prepareStatement("SELECT ensure_request_metadata_partitions(?, ?)")) {
            s.setObject(1, first);
            s.setObject(2, plan.lastDay());
            s.execute();
        }
    }

    /**
     * Request metadata from several connections at once. Each connection takes whole days and
     * writes each day in time order straight into that day's partition: every partition and its
     * indexes are then written while they are hot, instead of every row landing in a random one.
     */
    private long metadata(Population p) throws SQLException, InterruptedException {
        long total = p.plan.metadataRows();
        int days = p.plan.days();
        int parts = (int) Math.min(Math.min(threads, days), Math.max(1, total / 50_000));
        ExecutorService pool = Executors.newFixedThreadPool(parts);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int part = 0; part < parts; part++) {
                int first = part;
                results.add(pool.submit(() -> {
                    long written = 0;
                    for (int day = first; day < days; day += parts) {
                        long rows = total / days + (day < total % days ? 1 : 0);
                        written += metadataDay(p, day, rows);
                    }
                    return written;
                }));
            }
            long written = 0;
            for (Future<Long> result : results) {
                written += result.get();
            }
            return written;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One day's rows, sorted by time, in one COPY into the day's partition. */
    private long metadataDay(Population p, int dayIndex, long rows) throws SQLException {
        SplittableRandom random = new SplittableRandom(p.plan.seed() * 31 + dayIndex);
        LocalDate day = p.plan.lastDay().minusDays(p.plan.days() - 1L - dayIndex);
        long dayStart = day.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        long[] times = new long[(int) rows];
        for (int i = 0; i < times.length; i++) {
            times[i] = dayStart + random.nextLong(Duration.ofDays(1).toMillis());
        }
        java.util.Arrays.sort(times);
        int heavy = p.plan.heavyAccounts();
        String partition = "request_metadata_p" + day.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            try (CopyWriter copy = new CopyWriter(c, partition, "occurred_at, request_id, account_id, "
                    + "organization_id, api_key_id, model, prompt_tokens, completion_tokens, total_tokens, cost_micro_usd, "
                    + "latency_ms, http_status, error_type, source_ip, user_agent")) {
                for (long time : times) {
                    int account = heavy > 0 && random.nextDouble() < GenerationPlan.HEAVY_SHARE
                            ? random.nextInt(heavy) : random.nextInt(p.accountIds.length);
                    int prompt = 20 + random.nextInt(4_000);
                    int completion = random.nextInt(1_500);
                    int roll = random.nextInt(100);
                    int status = roll < 95 ? 200 : roll < 98 ? 429 : 500;
                    copy.raw(Instant.ofEpochMilli(time).toString()).uuid(uuid(random)).uuid(p.accountIds[account])
                            .uuid(p.organizationIds[p.accountOrganization[account]]).uuid(p.keyIds[account])
                            .text(MODELS[random.nextInt(MODELS.length)]).number(prompt).number(completion)
                            .number(prompt + completion).number((prompt + completion) * 3L).number(80 + random.nextInt(4_000))
                            .number(status).text(status == 200 ? null : status == 429 ? "rate_limited" : "upstream_error")
                            .raw(ip(random)).text(AGENTS[random.nextInt(AGENTS.length)]);
                    copy.endRow();
                }
            }
            c.commit();
        }
        return rows;
    }

    /** The visible part of a gateway key: the run's batch label and the account's number, 16 characters at most. */
    private static String keyPrefix(String batch, int account) {
        String number = Integer.toString(account, 36);
        return "gk_" + batch + "0".repeat(Math.max(0, 5 - number.length())) + number;
    }

    private static String ip(SplittableRandom random) {
        return (1 + random.nextInt(222)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    private static UUID uuid(SplittableRandom random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    private static void fill(SplittableRandom random, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
    }

    private static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }
}
