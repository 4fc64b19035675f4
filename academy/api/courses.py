"""JSON API v1: courses and their lessons."""

from marshmallow import Schema, fields

from academy.api.parsing import Blueprint
from academy.courses import queries
from academy.courses.permissions import can_read_lessons
from academy.permissions import current_actor, require, requires
from academy.progress.learning import public_quiz

blp = Blueprint("api_courses", __name__, url_prefix="/api/v1", description="Courses")


class LessonRefSchema(Schema):
    slug = fields.Str()
    title = fields.Str()


class CourseSchema(Schema):
    slug = fields.Str()
    title = fields.Str()
    track = fields.Str()
    level = fields.Str()
    hours = fields.Int()
    language = fields.Str()
    summary = fields.Str()
    lessons = fields.List(fields.Nested(LessonRefSchema))


class QuestionSchema(Schema):
    id = fields.Str()
    prompt = fields.Str()
    choices = fields.List(fields.Str())


class QuizSchema(Schema):
    pass_mark = fields.Int()
    questions = fields.List(fields.Nested(QuestionSchema))


class LessonSchema(Schema):
    slug = fields.Str()
    title = fields.Str()
    html = fields.Str(metadata={"description": "The lesson rendered from Markdown, sanitised."})
    required = fields.Bool()
    quiz = fields.Nested(QuizSchema, allow_none=True, metadata={"description": "No answers."})


@blp.route("/courses", methods=["GET"])
@requires("account.own")
@blp.response(200, CourseSchema(many=True))
def list_courses():
    """Every course in the catalogue, with its current lessons."""
    return [
        {
            "slug": course.slug,
            "title": course.title,
            "track": course.track.slug,
            "level": course.level,
            "hours": course.hours,
            "language": course.language,
            "summary": course.summary,
            "lessons": [{"slug": lesson.slug, "title": lesson.title} for lesson in course.lessons],
        }
        for course in queries.courses_with_lessons()
    ]


@blp.route("/courses/<slug>/lessons/<lesson>", methods=["GET"])
@requires("course.read_lessons")
@blp.response(200, LessonSchema)
def get_lesson(slug, lesson):
    """One lesson, for trainees with a seat in a cohort of the course, and staff."""
    course = queries.course_by_slug(slug)
    require(course is not None and can_read_lessons(current_actor(), course))
    found = queries.live_lesson(course.id, lesson)
    require(found is not None)
    return {
        "slug": found.slug,
        "title": found.title,
        "html": found.body_html,
        "required": found.required,
        "quiz": public_quiz(found.quiz),
    }
