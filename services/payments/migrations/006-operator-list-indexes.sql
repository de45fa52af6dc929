-- GET /v1/payments (src/ledger/payment-reads.ts): pages in created_at DESC, payment_id DESC order, read backwards
-- along the first index (every agency, `*` operators; suffix scopes such as `*.H22` filter along it); an officer
-- of named agencies walks the second, so their page costs the same whether other agencies hold ten rows or ten
-- million. Their columns never change after the insert; the cost is two more index entries per created payment
-- (and per update Postgres cannot make HOT, as for every index on the table: next_check_at's already prevents it).
CREATE INDEX payments_created_order ON payments (created_at, payment_id);
CREATE INDEX payments_agency_created_order ON payments (agency_code, created_at, payment_id);
