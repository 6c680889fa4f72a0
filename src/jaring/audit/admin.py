"""Nothing to administer: the audit view reads other apps' change logs and writes nothing."""
