package io.quaestor.bench;

import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.control.SubjectErasure;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.testing.LiteLlmStore;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The LiteLLM map on a LiteLLM-shaped store of about ten million spend logs, two users holding a
 * million each, with the indexes the validator advises: one user's access rows and erasure by the
 * engine against the other's by the SQL a LiteLLM operator would write by hand, through psql, in
 * the same run; and the verification sweep over every table. Heap is sampled throughout.
 */
final class LiteLlmBenchmark implements Benchmark {

    private static final String DATABASE = "litellm_bench";

    @Override
    public String name() {
        return "litellm";
    }

    @Override
    public String description() {
        return "The shipped LiteLLM map on a LiteLLM-shaped store (schema written from LiteLLM's published table definitions) of about "
                + "10 million LiteLLM_SpendLogs rows, where each of two users holds 1 million, found by their user column, their key hashes "
                + "and their metadata JSON, with the indexes the validator advises. The engine serves user A; hand-written SQL "
                + "(psql \\copy to /dev/null; the deletes and updates in one transaction) serves user B of the same shape.";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        try (Connection c = stack.database.superuserConnection("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE);
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + EmbeddedDatabase.GATEWAY_ROLE);
        }
        PGSimpleDataSource store = stack.asGateway(DATABASE);
        try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
            s.execute(new String(LiteLlmStore.class.getResourceAsStream("/litellm/schema.sql").readAllBytes()));
        }
        long generateStart = System.nanoTime();
        LiteLlmStore.generate(store, 5_000, 850, 2, 1_000_000);
        double generateSeconds = (System.nanoTime() - generateStart) / 1e9;
        String mapText = Files.readString(Path.of("policy-templates/datamap/litellm.datamap.json"));
        List<String> advised = new ArrayList<>();
        DataMapValidator.check(DataMapReader.read(new StringReader(mapText), "litellm"), n -> Optional.of(store)).warnings()
                .stream().filter(w -> w.message().contains("Advised: "))
                .forEach(w -> advised.add(w.message().substring(w.message().indexOf("Advised: ") + 9)));
        try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
            for (String index : advised) {
                s.execute(index);
            }
            s.execute("ANALYZE");
        }
        DataMap map = DataMapValidator.check(DataMapReader.read(new StringReader(mapText), "litellm"), n -> Optional.of(store)).map();
        String a = LiteLlmStore.userId(1);
        String b = LiteLlmStore.userId(2);
        long spendLogs = single(store, "SELECT count(*) FROM \"LiteLLM_SpendLogs\"");

        Heap heap = new Heap();
        SubjectRows rows = new SubjectRows(map, store);
        AtomicLong streamed = new AtomicLong();
        double engineRead = heap.sample(() -> {
            rows.inSnapshot(List.of(a), streamer -> {
                for (DataMap.MappedTable table : rows.subjectTables()) {
                    streamer.streamText(table, (values, kinds) -> streamed.incrementAndGet());
                }
            });
            return null;
        });
        double sqlRead = stack.psqlOn(DATABASE, readScript(b), false);
        long readPeak = heap.peakMiB();

        SubjectErasure erasure = new SubjectErasure(map, store);
        Map<String, List<String>> identifiers = erasure.identifiers(List.of(a));
        long[] erased = {0};
        double engineErase = heap.sample(() -> {
            erasure.apply(List.of(a), (column, value) -> "ps_" + Integer.toHexString((column + value).hashCode()), done ->
                    done.forEach(t -> erased[0] += t.rows()));
            return null;
        });
        long erasePeak = heap.peakMiB();
        double sqlErase = stack.psqlOn(DATABASE, eraseScript(b), true);
        long sweepStart = System.nanoTime();
        SubjectErasure.Scan scan = erasure.scan(List.of(a), identifiers, List.of());
        double sweep = (System.nanoTime() - sweepStart) / 1e9;
        double naiveSweep = stack.psqlOn(DATABASE, naiveSweep(LiteLlmStore.email(1)), false);

        return List.of(
                new Figure("store", String.format("%,d spend logs (generated in %.0f s); %d indexes advised and created", spendLogs,
                        generateSeconds, advised.size()), "", ""),
                new Figure("access rows of a 1 M-row user", String.format("%,d rows in %.2f s", streamed.get(), engineRead),
                        String.format("%.2f s (hand-written, psql \\copy)", sqlRead), String.format("%.2f×", engineRead / sqlRead)),
                new Figure("erasure of a 1 M-row user", String.format("%,d rows in %.2f s", erased[0], engineErase),
                        String.format("%.2f s (hand-written, one transaction)", sqlErase), String.format("%.2f×", engineErase / sqlErase)),
                new Figure("heap peak above the start (sampled, garbage included)", String.format("read %d MiB, erase %d MiB", readPeak,
                        erasePeak), "", ""),
                new Figure("verification sweep, every column of every table", String.format("%.1f s, %d tables, clean: %s", sweep,
                        scan.coverage().size(), scan.clean()), String.format("%.1f s (one ILIKE over each row's text)", naiveSweep),
                        String.format("%.2f×", sweep / naiveSweep)));
    }

    /** What a LiteLLM operator would write to read one user's rows. */
    private static String readScript(String id) {
        String user = "'" + id + "'";
        String keys = "(SELECT token FROM \"LiteLLM_VerificationToken\" WHERE user_id = " + user + ")";
        return String.join("\n",
                copy("SELECT * FROM \"LiteLLM_UserTable\" WHERE user_id = " + user),
                copy("SELECT * FROM \"LiteLLM_VerificationToken\" WHERE user_id = " + user),
                copy("SELECT * FROM \"LiteLLM_TeamTable\" WHERE " + user + " = ANY(members) OR " + user + " = ANY(admins)"),
                copy("SELECT * FROM \"LiteLLM_TeamMembership\" WHERE user_id = " + user),
                copy("SELECT * FROM \"LiteLLM_OrganizationMembership\" WHERE user_id = " + user),
                copy("SELECT * FROM \"LiteLLM_SpendLogs\" WHERE \"user\" = " + user + " OR metadata ->> 'user_api_key_user_id' = " + user
                        + " OR api_key IN " + keys),
                copy("SELECT * FROM \"LiteLLM_ErrorLogs\" WHERE request_kwargs #>> '{metadata,user_api_key_user_id}' = " + user),
                copy("SELECT * FROM \"LiteLLM_DailyUserSpend\" WHERE user_id = " + user + " OR api_key IN " + keys),
                copy("SELECT * FROM \"LiteLLM_InvitationLink\" WHERE " + user + " IN (user_id, created_by, updated_by)"),
                copy("SELECT * FROM \"LiteLLM_AuditLog\" WHERE object_id = " + user + " OR changed_by = " + user)) + "\n";
    }

    private static String copy(String select) {
        return "\\copy (" + select + ") TO '/dev/null'";
    }

    /** What a LiteLLM operator would write to erase one user as the map says. */
    private static String eraseScript(String id) {
        String user = "'" + id + "'";
        String keys = "(SELECT token FROM \"LiteLLM_VerificationToken\" WHERE user_id = " + user + ")";
        return String.join(";\n",
                "DELETE FROM \"LiteLLM_SpendLogs\" WHERE \"user\" = " + user + " OR metadata ->> 'user_api_key_user_id' = " + user
                        + " OR api_key IN " + keys,
                "DELETE FROM \"LiteLLM_ErrorLogs\" WHERE request_kwargs #>> '{metadata,user_api_key_user_id}' = " + user,
                "UPDATE \"LiteLLM_DailyUserSpend\" SET user_id = 'ps_' || md5(user_id), api_key = 'ps_' || md5(api_key) WHERE user_id = "
                        + user + " OR api_key IN " + keys,
                "UPDATE \"LiteLLM_AuditLog\" SET object_id = 'ps_' || md5(object_id), changed_by = 'ps_' || md5(changed_by), "
                        + "changed_by_api_key = 'ps_' || md5(changed_by_api_key), before_value = jsonb_set(before_value - 'user_email', "
                        + "'{user_id}', to_jsonb('ps_' || md5(before_value ->> 'user_id')), false), updated_values = updated_values - 'user_email' "
                        + "WHERE object_id = " + user + " OR changed_by = " + user,
                "UPDATE \"LiteLLM_TeamTable\" SET members = array_remove(members, " + user + "), admins = array_remove(admins, " + user
                        + "), members_with_roles = (SELECT coalesce(jsonb_agg(e), '[]') FROM jsonb_array_elements(members_with_roles) e "
                        + "WHERE e ->> 'user_id' <> " + user + ") WHERE " + user + " = ANY(members) OR " + user + " = ANY(admins)",
                "DELETE FROM \"LiteLLM_InvitationLink\" WHERE " + user + " IN (user_id, created_by, updated_by)",
                "DELETE FROM \"LiteLLM_TeamMembership\" WHERE user_id = " + user,
                "DELETE FROM \"LiteLLM_OrganizationMembership\" WHERE user_id = " + user,
                "DELETE FROM \"LiteLLM_VerificationToken\" WHERE user_id = " + user,
                "DELETE FROM \"LiteLLM_UserTable\" WHERE user_id = " + user) + ";\n";
    }

    /** The simplest complete sweep one could write: each table's rows as text, searched for the address. */
    private static String naiveSweep(String email) {
        StringBuilder script = new StringBuilder();
        for (String table : List.of("LiteLLM_BudgetTable", "LiteLLM_OrganizationTable", "LiteLLM_TeamTable", "LiteLLM_UserTable",
                "LiteLLM_VerificationToken", "LiteLLM_EndUserTable", "LiteLLM_SpendLogs", "LiteLLM_ErrorLogs", "LiteLLM_TeamMembership",
                "LiteLLM_OrganizationMembership", "LiteLLM_InvitationLink", "LiteLLM_AuditLog", "LiteLLM_DailyUserSpend", "LiteLLM_Config")) {
            script.append("SELECT count(*) FROM \"").append(table).append("\" t WHERE t::text ILIKE '%").append(email).append("%';\n");
        }
        return script.toString();
    }

    private static long single(PGSimpleDataSource store, String sql) throws Exception {
        try (Connection c = store.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The heap's sampled peak above its level before each piece of work (see {@link HeapSampling}). */
    private static final class Heap {
        private final long[] peak = new long[1];

        double sample(Callable<Void> work) throws Exception {
            return HeapSampling.sampled(peak, work);
        }

        long peakMiB() {
            return Math.max(0, peak[0]) / 1_048_576;
        }
    }
}
