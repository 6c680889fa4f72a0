"""The reports app stores nothing: it renders PDF and XLSX from the registry and the plans."""
