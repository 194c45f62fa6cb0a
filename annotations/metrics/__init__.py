"""Agreement between annotators (``claimtag agree``): coefficients as published (``coefficients``),
claims matched across annotators (``spans``), and the store's figures in three families that are never
mixed into one number (``report``)."""
