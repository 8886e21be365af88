"""The score/rubric-version triggers (see migration 0002), kept here so that later
migrations that make SQLite rebuild a table can drop and recreate them around it."""

from core.db_triggers import Triggers

MESSAGE = "criterion is not part of the rubric version of its critique"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER critique_score_version_{event.lower()}
    BEFORE {event} ON critique_criterionscore
    WHEN (SELECT version_id FROM critique_versioncriterion WHERE id = NEW.criterion_id)
         IS NOT (SELECT rubric_version_id FROM critique_critique WHERE id = NEW.critique_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE")
] + [
    f"""
    CREATE TRIGGER critique_version_change
    BEFORE UPDATE OF rubric_version_id ON critique_critique
    WHEN EXISTS (
        SELECT 1 FROM critique_criterionscore s
        JOIN critique_versioncriterion c ON c.id = s.criterion_id
        WHERE s.critique_id = NEW.id AND c.version_id != NEW.rubric_version_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS critique_score_version_insert;",
    "DROP TRIGGER IF EXISTS critique_score_version_update;",
    "DROP TRIGGER IF EXISTS critique_version_change;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION critique_score_same_version() RETURNS trigger AS $$
    BEGIN
        IF (SELECT version_id FROM critique_versioncriterion WHERE id = NEW.criterion_id)
           IS DISTINCT FROM
           (SELECT rubric_version_id FROM critique_critique WHERE id = NEW.critique_id)
        THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER critique_score_version
    BEFORE INSERT OR UPDATE OF criterion_id, critique_id ON critique_criterionscore
    FOR EACH ROW EXECUTE FUNCTION critique_score_same_version();
    """,
    f"""
    CREATE FUNCTION critique_version_change() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM critique_criterionscore s
            JOIN critique_versioncriterion c ON c.id = s.criterion_id
            WHERE s.critique_id = NEW.id AND c.version_id <> NEW.rubric_version_id)
        THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER critique_version_change
    BEFORE UPDATE OF rubric_version_id ON critique_critique
    FOR EACH ROW EXECUTE FUNCTION critique_version_change();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS critique_score_version ON critique_criterionscore;",
    "DROP FUNCTION IF EXISTS critique_score_same_version();",
    "DROP TRIGGER IF EXISTS critique_version_change ON critique_critique;",
    "DROP FUNCTION IF EXISTS critique_version_change();",
]

TRIGGERS = Triggers(
    "the critique score trigger",
    sqlite=(SQLITE_FORWARD, SQLITE_BACKWARD),
    postgresql=(POSTGRES_FORWARD, POSTGRES_BACKWARD),
)
create, drop = TRIGGERS.create, TRIGGERS.drop
