"""``claimtag serve``: the app served to a team. ``ssh`` runs an SSH server (asyncssh) where the key a
client authenticates with decides who they are; each session is the app in a process of its own on a
pseudo-terminal (``session.py``)."""
