"""nbgrader configuration for working on the course in this repository.

`solutions/` is the nbgrader source directory (solutions, hidden tests, mark schemes) and
`assignments/` the release directory (the student versions, committed). Everything nbgrader
writes while grading (submissions, autograded work, feedback, the gradebook) goes under
`.nbgrader/`, which git ignores. For teaching a real class, create a separate course root
(see README.md, "For instructors").
"""

from pathlib import Path

c = get_config()  # provided by nbgrader when it reads this file
here = Path(__file__).resolve().parent
(here / ".nbgrader").mkdir(exist_ok=True)

c.CourseDirectory.course_id = "alignlessons"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.submitted_directory = ".nbgrader/submitted"
c.CourseDirectory.autograded_directory = ".nbgrader/autograded"
c.CourseDirectory.feedback_directory = ".nbgrader/feedback"
c.CourseDirectory.solution_directory = ".nbgrader/solution"
c.CourseDirectory.root = str(here)
c.CourseDirectory.db_url = f"sqlite:///{here / '.nbgrader' / 'gradebook.db'}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# Shared settings (also used by the tests' temporary course roots and by `alignlessons course init`).
from alignlessons.grading import configure  # noqa: E402

configure(c)
