package io.quaestor.platform.persistence;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What went wrong in a database, said so that an operator can act on it and no personal data
 * leaks: the SQL state, the database's message with every quoted value replaced by {@code …}
 * (names of the table, column, constraint or type it concerns are kept), and those names. The
 * detail and hint lines, which quote row values ("Key (email)=(…)"), are never included.
 */
public final class StoreFailures {

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"|'([^']*)'");

    private StoreFailures() {
    }

    /** The first database failure in the chain, described; otherwise the failure's kind alone (its message may hold data). */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return describe(psql.getServerErrorMessage());
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return "SQLSTATE " + sql.getSQLState() + " (" + t.getClass().getSimpleName() + ")";
            }
        }
        return failure == null ? "unknown failure" : failure.getClass().getSimpleName();
    }

    static String describe(ServerErrorMessage error) {
        List<String> names = new ArrayList<>();
        for (String name : new String[] {error.getSchema(), error.getTable(), error.getColumn(), error.getConstraint(),
                error.getDatatype()}) {
            if (name != null) {
                names.add(name);
            }
        }
        StringBuilder out = new StringBuilder("SQLSTATE ").append(error.getSQLState()).append(": ")
                .append(withoutValues(Objects.requireNonNullElse(error.getMessage(), ""), names));
        if (error.getTable() != null) {
            out.append(" [table ").append(error.getTable());
            if (error.getColumn() != null) {
                out.append(", column ").append(error.getColumn());
            }
            if (error.getConstraint() != null) {
                out.append(", constraint ").append(error.getConstraint());
            }
            out.append(']');
        }
        return out.toString();
    }

    /** Quoted parts of a server message that are not one of the object names it concerns become {@code …}. */
    static String withoutValues(String message, List<String> names) {
        Matcher m = QUOTED.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String inner = m.group(1) != null ? m.group(1) : m.group(2);
            boolean name = m.group(1) != null && (names.contains(inner) || inner.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?"));
            m.appendReplacement(out, Matcher.quoteReplacement(name ? m.group() : (m.group(1) != null ? "\"…\"" : "'…'")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
