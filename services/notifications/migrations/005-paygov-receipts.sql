-- Receipts of fees paid through PayGov are fetched from the platform with GET_BILL (issue 12 §3).
ALTER TABLE receipts DROP CONSTRAINT IF EXISTS receipts_vendor_check;
ALTER TABLE receipts ADD CONSTRAINT receipts_vendor_check CHECK (vendor IN ('vnpt', 'viettel', 'paygov'));
