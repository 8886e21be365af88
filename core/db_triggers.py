"""Database triggers written out per database vendor, created and dropped by migrations.

An app lists its statements for each vendor and exposes `create` and `drop`, which
migrations pass to `RunPython`:

    TRIGGERS = Triggers("the audit log's trigger", sqlite=(up, down), postgresql=(up, down))
    create, drop = TRIGGERS.create, TRIGGERS.drop
"""


class Triggers:
    def __init__(self, description: str, **statements: tuple[list[str], list[str]]):
        self.description = description
        self.statements = statements  # vendor: (forward, backward)

    def _run(self, schema_editor, forward: bool) -> None:
        statements = self.statements.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"Add {self.description} for this database before migrating."
            )
        for sql in statements[0 if forward else 1]:
            schema_editor.execute(sql)

    def create(self, apps, schema_editor) -> None:
        self._run(schema_editor, True)

    def drop(self, apps, schema_editor) -> None:
        self._run(schema_editor, False)
