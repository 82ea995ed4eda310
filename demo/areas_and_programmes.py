"""Demo reference data: areas and the five programmes, with names in every language.

Used by ``manage.py seed_demo`` and by the tests; creating twice changes nothing.
"""

from __future__ import annotations

from registry.models import AdminArea, Programme, ProgrammeName

# region code -> (region name, [(district code, district name), ...])
AREAS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "coast": (
        "Coast",
        [("mombasa", "Mombasa"), ("kilifi", "Kilifi"), ("kwale", "Kwale"), ("tana-river", "Tana River")],
    ),
    "nairobi": ("Nairobi", [("westlands", "Westlands"), ("kibra", "Kibra"), ("embakasi", "Embakasi")]),
    "rift-valley": (
        "Rift Valley",
        [("turkana", "Turkana"), ("elgeyo-marakwet", "Elgeyo-Marakwet"), ("nakuru", "Nakuru"), ("baringo", "Baringo")],
    ),
    "western": ("Western", [("kakamega", "Kakamega"), ("bungoma", "Bungoma"), ("busia", "Busia")]),
    "north-eastern": ("North Eastern", [("garissa", "Garissa"), ("wajir", "Wajir"), ("mandera", "Mandera")]),
    "eastern": (
        "Eastern",
        [("machakos", "Machakos"), ("kitui", "Kitui"), ("tharaka-nithi", "Tharaka-Nithi"), ("marsabit", "Marsabit")],
    ),
}

# Region names where a language has its own word (district names are proper nouns).
REGION_NAMES: dict[str, dict[str, str]] = {
    "coast": {"fr": "Littoral", "sw": "Pwani", "ar": "الساحل"},
    "nairobi": {"ar": "نيروبي"},
    "rift-valley": {"fr": "Vallée du Rift", "sw": "Bonde la Ufa", "ar": "الوادي المتصدع"},
    "western": {"fr": "Ouest", "sw": "Magharibi", "ar": "الغربية"},
    "north-eastern": {"fr": "Nord-Est", "sw": "Kaskazini Mashariki", "ar": "الشمالية الشرقية"},
    "eastern": {"fr": "Est", "sw": "Mashariki", "ar": "الشرقية"},
}

# District names in the scripts that write them otherwise (Arabic writes proper nouns in its own letters).
DISTRICT_NAMES: dict[str, dict[str, str]] = {
    "mombasa": {"ar": "مومباسا"},
    "kilifi": {"ar": "كيليفي"},
    "kwale": {"ar": "كوالي"},
    "tana-river": {"ar": "نهر تانا"},
    "westlands": {"ar": "ويستلاندز"},
    "kibra": {"ar": "كيبرا"},
    "embakasi": {"ar": "إمباكاسي"},
    "turkana": {"ar": "توركانا"},
    "elgeyo-marakwet": {"ar": "إلجيو ماراكويت"},
    "nakuru": {"ar": "ناكورو"},
    "baringo": {"ar": "بارينغو"},
    "kakamega": {"ar": "كاكاميغا"},
    "bungoma": {"ar": "بونغوما"},
    "busia": {"ar": "بوسيا"},
    "garissa": {"ar": "غاريسا"},
    "wajir": {"ar": "واجير"},
    "mandera": {"ar": "مانديرا"},
    "machakos": {"ar": "ماتشاكوس"},
    "kitui": {"ar": "كيتوي"},
    "tharaka-nithi": {"ar": "ثاراكا نيثي"},
    "marsabit": {"ar": "مارسابيت"},
}

# code -> rules and names; names are (full name, short name ≤ 20 characters) per language.
PROGRAMMES: dict[str, dict] = {
    "old-age-pension": {
        "sort_order": 1,
        "benefit_amount": 2000,
        "rules": {"min_age": 65},
        "names": {
            "en": ("Old-age pension", "Old-age pension"),
            "fr": ("Pension de vieillesse", "Pension vieillesse"),
            "sw": ("Pensheni ya wazee", "Pensheni ya wazee"),
            "ar": ("معاش الشيخوخة", "معاش الشيخوخة"),
        },
    },
    "child-support-grant": {
        "sort_order": 2,
        "benefit_amount": 1500,
        "rules": {"requires_children_under": 18, "max_monthly_income_per_person": 3000},
        "names": {
            "en": ("Child support grant", "Child grant"),
            "fr": ("Allocation de soutien à l'enfant", "Allocation enfant"),
            "sw": ("Ruzuku ya msaada wa watoto", "Ruzuku ya watoto"),
            "ar": ("منحة دعم الطفل", "منحة الطفل"),
        },
    },
    "disability-grant": {
        "sort_order": 3,
        "benefit_amount": 2000,
        "rules": {"requires_disability": True},
        "names": {
            "en": ("Disability grant", "Disability grant"),
            "fr": ("Allocation d'invalidité", "Allocation handicap"),
            "sw": ("Ruzuku ya ulemavu", "Ruzuku ya ulemavu"),
            "ar": ("منحة الإعاقة", "منحة الإعاقة"),
        },
    },
    "public-works": {
        "sort_order": 4,
        "benefit_amount": 4000,
        "rules": {"min_age": 18, "max_age": 60, "max_monthly_income_per_person": 2500},
        "names": {
            "en": ("Public works programme", "Public works"),
            "fr": ("Programme de travaux publics", "Travaux publics"),
            "sw": ("Mpango wa kazi za umma", "Kazi za umma"),
            "ar": ("برنامج الأشغال العامة", "الأشغال العامة"),
        },
    },
    "emergency-cash": {
        "sort_order": 5,
        "benefit_amount": 3000,
        "benefit_period": Programme.Period.ONCE,
        "rules": {"min_household_size": 1},
        "regions": ["coast", "north-eastern"],
        "names": {
            "en": ("Emergency cash transfer", "Emergency cash"),
            "fr": ("Transfert monétaire d'urgence", "Aide d'urgence"),
            "sw": ("Msaada wa fedha wa dharura", "Fedha za dharura"),
            "ar": ("تحويل نقدي طارئ", "نقد طارئ"),
        },
    },
}


def create_areas() -> dict[str, AdminArea]:
    """Create the demo regions and districts (idempotent); return them by code."""
    found: dict[str, AdminArea] = {}
    for region_code, (region_name, districts) in AREAS.items():
        region, _ = AdminArea.objects.get_or_create(
            code=region_code,
            defaults={
                "name": region_name,
                "level": AdminArea.Level.REGION,
                "translated_names": REGION_NAMES.get(region_code, {}),
            },
        )
        if not region.translated_names and REGION_NAMES.get(region_code):
            region.translated_names = REGION_NAMES[region_code]
            region.save(update_fields=["translated_names"])
        found[region_code] = region
        for code, name in districts:
            names = DISTRICT_NAMES.get(code, {})
            district, _ = AdminArea.objects.get_or_create(
                code=code,
                defaults={"name": name, "level": AdminArea.Level.DISTRICT, "parent": region, "translated_names": names},
            )
            if not district.translated_names and names:
                district.translated_names = names
                district.save(update_fields=["translated_names"])
            found[code] = district
    return found


def create_programmes(areas: dict[str, AdminArea] | None = None) -> dict[str, Programme]:
    """Create the five demo programmes with rules and names (idempotent); return them by code."""
    areas = areas if areas is not None else {a.code: a for a in AdminArea.objects.all()}
    found: dict[str, Programme] = {}
    for code, spec in PROGRAMMES.items():
        programme, created = Programme.objects.get_or_create(
            code=code,
            defaults={
                "sort_order": spec["sort_order"],
                "benefit_amount": spec["benefit_amount"],
                "benefit_period": spec.get("benefit_period", Programme.Period.MONTH),
                **spec["rules"],
            },
        )
        if created:
            for language, (name, short_name) in spec["names"].items():
                ProgrammeName.objects.create(programme=programme, language=language, name=name, short_name=short_name)
            regions = [areas[r] for r in spec.get("regions", []) if r in areas]
            if regions:
                programme.areas.set(regions)
        found[code] = programme
    return found
