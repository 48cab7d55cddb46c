"""Case notes: free text about a participant, with a category; health and disability notes
are sensitive and readable only by the author's institution."""
