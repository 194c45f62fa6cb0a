"""The reviewer's logic, headless: units of one claim across annotators and their conflicts (``units``).
The gold layer and adjudication build on these (issue 9)."""
