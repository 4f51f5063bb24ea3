"""Official documents and open-data exports: DOCX in the administrative style, XLSX, CSV, JSON."""
