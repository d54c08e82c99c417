"""Menu entries and to-dos of the survey stage: being written."""
