"""The initiative's archive: a browsable static website and a full JSON export that imports back."""
