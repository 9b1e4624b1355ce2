package io.quaestor.dsar.control;

import io.quaestor.datamap.control.SubjectFinder;
import io.quaestor.datamap.entity.SubjectIdentifier;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Where a subject can be reached, found through the data map; and who may be assigned a request. */
@ApplicationScoped
public class SubjectContacts {

    @Inject
    SubjectFinder finder;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    /**
     * The email on the account, if the account exists; never an error, so the answer to the subject cannot differ.
     * Read outside the caller's transaction: the gateway store is a second non-XA resource and cannot join it.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public Optional<String> emailOfAccount(String accountId) {
        if (accountId == null) {
            return Optional.empty();
        }
        try {
            var rows = finder.rows();
            SubjectIdentifier identifier = finder.identifier("account-id", accountId);
            List<Object> keys = rows.resolve(identifier);
            // The address is looked up whether or not the account exists, so both answers take the same work.
            Optional<String> email = rows.emailOf(keys.size() == 1 ? keys.get(0) : identifier.value());
            return keys.size() == 1 ? email : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("the gateway store could not be read", e);
        }
    }

    public boolean isActivePrivacyOfficer(UUID userId) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM staff_user u JOIN staff_user_role r ON r.user_id = u.id "
                        + "WHERE u.id = ? AND u.active AND r.role = 'PRIVACY_OFFICER'")) {
            s.setObject(1, userId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("staff could not be read", e);
        }
    }
}
