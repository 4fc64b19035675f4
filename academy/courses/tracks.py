"""The academy's tracks: the zone's focus areas. Course front matter names one by slug."""

TRACKS: dict[str, str] = {
    "ai-foundations": "AI foundations",
    "ml-engineering": "Machine-learning engineering",
    "llm-applications": "Large-language-model applications",
    "saas-engineering": "SaaS product engineering",
    "ai-healthcare": "AI in healthcare",
    "ai-education": "AI in education",
    "smart-manufacturing": "Smart manufacturing",
    "energy-ai": "Energy and AI",
    "fintech": "Fintech",
    "robotics": "Robotics",
}
