-- Who holds an attempt's lease: the holder may extend it between the steps of one
-- delivery (send, settle, reconcile, send again); nobody else may touch the row meanwhile.
ALTER TABLE notifications ADD COLUMN lease_owner text;
