-- The certificate this laptop trusts for its server, PEM: the CA given at enrolment, or the
-- root that vouched for the server then. Later syncs trust only it (pinning), so a certificate
-- issued for the server's name by any other authority is refused. NULL: enrolled over plain
-- HTTP on loopback, or before pinning existed (the system's roots are used).
ALTER TABLE sync_account ADD COLUMN server_trust TEXT;
