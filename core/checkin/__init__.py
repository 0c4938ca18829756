"""Check-in and boarding passes (issue 11): the window, the documents an international
flight needs, the IATA BCBP each pass carries, its barcode, and the job that checks in
the travellers who asked for it when check-in opens. See ADR 0012."""
