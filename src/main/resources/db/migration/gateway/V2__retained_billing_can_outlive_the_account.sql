-- Payments are kept for their legal period after the account is erased; the erased account's
-- link is removed from them, as it already can be from invoices.
ALTER TABLE payments ALTER COLUMN account_id DROP NOT NULL;
