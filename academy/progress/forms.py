"""No form classes: the lesson page's forms carry only the CSRF token, which CSRFProtect
checks on every POST, and the quiz's radios come from the lesson, so they are read by hand
(views/learning.py)."""
