"""The back office's shared pieces: the action framework (`actions`), the project's base
viewsets (`viewsets`), spreadsheet exports that a spreadsheet cannot run (`exports`) and the
base of the reports (`reports`)."""
