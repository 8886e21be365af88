"""The audit log's append-only triggers (see migration 0003): the database itself
refuses to change or delete an audit entry, whatever code or console sends the SQL.

SQLite drops a table's triggers when it rebuilds the table, so a later migration that
alters `moderation_auditentry` must run `create` again afterwards. A TRUNCATE trigger is
left out on purpose: the test runner empties tables with TRUNCATE on PostgreSQL.
"""

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

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def _run(schema_editor, forward: bool) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(
            "Add the audit log's append-only trigger for this database before migrating."
        )
    for sql in statements[0 if forward else 1]:
        schema_editor.execute(sql)


def create(apps, schema_editor) -> None:
    _run(schema_editor, True)


def drop(apps, schema_editor) -> None:
    _run(schema_editor, False)
