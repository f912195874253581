# nbgrader's configuration for the book's course directory (`make assignments` copies it there).
c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = "softmax-book"
# A chapter's exercises import PyTorch or TensorFlow and some train a small model: a cell may take
# longer than nbgrader's default of 30 seconds on a slow or busy machine.
c.Execute.timeout = 300
