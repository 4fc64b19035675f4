"""The academy's tracks: the zone's focus areas. Course front matter names one by slug."""

from academy.i18n import N_

# Stored in English as Track.name; pages translate the stored name with _(track.name).

TRACKS: dict[str, str] = {
    "ai-foundations": N_("AI foundations"),
    "ml-engineering": N_("Machine-learning engineering"),
    "llm-applications": N_("Large-language-model applications"),
    "saas-engineering": N_("SaaS product engineering"),
    "ai-healthcare": N_("AI in healthcare"),
    "ai-education": N_("AI in education"),
    "smart-manufacturing": N_("Smart manufacturing"),
    "energy-ai": N_("Energy and AI"),
    "fintech": N_("Fintech"),
    "robotics": N_("Robotics"),
}
