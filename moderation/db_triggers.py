"""The audit log's append-only triggers (see migration 0003): the database itself
refuses to change or delete an audit entry, whatever code or console sends the SQL.

SQLite drops a table's triggers when it rebuilds the table, so a later migration that
alters `moderation_auditentry` must run `create` again afterwards. A TRUNCATE trigger is
left out on purpose: the test runner empties tables with TRUNCATE on PostgreSQL.
"""

from core.db_triggers import Triggers

MESSAGE = "the audit log is append-only"
TABLE = "moderation_auditentry"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER moderation_audit_no_{event.lower()}
    BEFORE {event} ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for event in ("UPDATE", "DELETE")
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS moderation_audit_no_update;",
    "DROP TRIGGER IF EXISTS moderation_audit_no_delete;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION moderation_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER moderation_audit_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION moderation_audit_append_only();
    """,
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS moderation_audit_append_only ON {TABLE};",
    "DROP FUNCTION IF EXISTS moderation_audit_append_only();",
]

TRIGGERS = Triggers(
    "the audit log's append-only trigger",
    sqlite=(SQLITE_FORWARD, SQLITE_BACKWARD),
    postgresql=(POSTGRES_FORWARD, POSTGRES_BACKWARD),
)
create, drop = TRIGGERS.create, TRIGGERS.drop
