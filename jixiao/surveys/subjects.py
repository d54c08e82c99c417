"""What a survey is about (a self-evaluation, a key evaluation, a whole-unit evaluation) and
where its result goes (the subject's satisfaction indicator): being written."""
