"""Collection rounds, ODK/Kobo forms and exports, and single-person web entry."""
