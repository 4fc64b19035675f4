from flask_wtf import FlaskForm


class LessonForm(FlaskForm):
    """CSRF only: the quiz's questions come from the lesson, so its radios are read by hand."""
