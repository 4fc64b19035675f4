"""Names for demo trainees: Shenzhen and Hong Kong professionals and students."""

import random

SURNAMES = [
    "Chan",
    "Wong",
    "Li",
    "Cheung",
    "Lau",
    "Chen",
    "Zhang",
    "Wang",
    "Liu",
    "Huang",
    "Ho",
    "Ng",
    "Lam",
    "Yeung",
    "Tang",
    "Zhou",
    "Wu",
    "Xu",
    "Sun",
    "Ma",
    "Lin",
    "Guo",
]
GIVEN = [
    "Wei",
    "Ming",
    "Hui",
    "Jing",
    "Yan",
    "Ka Yan",
    "Tsz Hin",
    "Wing Sze",
    "Chi Kit",
    "Xiaoling",
    "Haoran",
    "Yuxuan",
    "Zihan",
    "Siu Ming",
    "Hoi Ling",
    "Jun",
    "Lei",
    "Fang",
    "Mei",
    "Kai",
    "Ling",
    "Tao",
    "Yi",
    "Qing",
    "Man Yee",
    "Ho Yin",
    "Sze Wan",
]
ORGANISATIONS = {
    "professional": [
        "Shenzhen Precision Manufacturing",
        "Qianhai Fintech Hub",
        "Futian Health Group",
        "Pearl River Power",
        "Nanshan Software Park",
        "HK Logistics Ltd",
        "Harbour Bank (HK)",
        "GBA Medical Devices",
    ],
    "student": [
        "University of Hong Kong",
        "Shenzhen University",
        "HKUST",
        "CUHK (Shenzhen)",
        "Southern University of Science and Technology",
        "PolyU",
    ],
}


def person(rng: random.Random, n: int) -> dict:
    kind = "student" if rng.random() < 0.45 else "professional"
    region = rng.choices(["shenzhen", "hong_kong", "other"], weights=[55, 35, 10])[0]
    name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
    return {
        "email": f"trainee{n:05d}@demo.academy.example",
        "name": name,
        "kind": kind,
        "region": region,
        "organisation": rng.choice(ORGANISATIONS[kind]),
        "consent_share": rng.random() < 0.6,
    }
