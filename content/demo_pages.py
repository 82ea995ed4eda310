"""Demo pages: home, programmes, questions and answers, about and privacy notice, in every language.

Used by ``manage.py seed_demo``. Each language has its own written text, not a copy of the English
one. Running twice changes nothing: a page that already exists (perhaps edited since) is left alone,
and an alias page that Wagtail made for a missing translation becomes a real translation.

Numbers that come from a programme's rules (ages, income limits) are read from the programme when
the pages are made, so the pages say what the rules say.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import Locale, Page, Site

from content.models import HomePage, ProgrammeIndexPage, ProgrammePage, StandardPage
from registry.demo import create_programmes
from registry.models import Programme

SOURCE_LANGUAGE = "en"
TRANSLATED_LANGUAGES = ("fr", "sw", "ar")
HOME_SLUG = "home"
PROGRAMME_INDEX_SLUG = "programmes"
# An example household size used to turn "per person" limits into a household figure.
EXAMPLE_HOUSEHOLD_SIZE = 4

# --- Texts ------------------------------------------------------------------------------------
# Placeholders: {ussd} service code, {currency}, {consent_version}; on programme pages also
# {min_age}, {max_age}, {children_under}, {income} (per person) and {income_example} (household).

HOME: dict[str, dict[str, str]] = {
    "en": {
        "title": "Support for you and your family",
        "intro": """
            Lango is one place to apply for government social protection programmes. Tell us about
            your household once and apply to several programmes at the same time. You can also check
            your application, make a complaint or appeal, and ask us to call you back.
        """,
        "body": """
            <h2>Use any phone</h2>
            <ul>
              <li><b>Web</b>: on this site, from a phone or a computer.</li>
              <li><b>USSD</b>: dial {ussd} from any phone, even without internet.</li>
              <li><b>SMS</b>: check your application or make a complaint by text message.</li>
            </ul>
            <p>Applying is free. Nobody may ask you for money or a favour. If someone does, tell us:
            you can complain without giving your name.</p>
        """,
    },
    "fr": {
        "title": "Une aide pour vous et votre famille",
        "intro": """
            Lango est le guichet unique des programmes publics de protection sociale. Parlez-nous de
            votre ménage une seule fois et faites une demande à plusieurs programmes en même temps.
            Vous pouvez aussi suivre votre demande, déposer une plainte ou un recours, et demander
            qu'on vous rappelle.
        """,
        "body": """
            <h2>Depuis n'importe quel téléphone</h2>
            <ul>
              <li><b>Web</b> : sur ce site, depuis un téléphone ou un ordinateur.</li>
              <li><b>USSD</b> : composez {ussd} depuis n'importe quel téléphone, même sans internet.</li>
              <li><b>SMS</b> : suivez votre demande ou déposez une plainte par SMS.</li>
            </ul>
            <p>La demande est gratuite. Personne ne peut vous demander de l'argent ou un service en
            échange. Si cela arrive, signalez-le : vous pouvez porter plainte sans donner votre nom.</p>
        """,
    },
    "sw": {
        "title": "Msaada kwako na familia yako",
        "intro": """
            Lango ni mahali pamoja pa kuomba kujiunga na mipango ya serikali ya hifadhi ya jamii.
            Tueleze kuhusu kaya yako mara moja tu na uombe mipango kadhaa kwa wakati mmoja. Unaweza
            pia kufuatilia ombi lako, kuwasilisha malalamiko au rufaa, na kuomba tukupigie simu.
        """,
        "body": """
            <h2>Tumia simu yoyote</h2>
            <ul>
              <li><b>Tovuti</b>: kwenye tovuti hii, kwa simu au kompyuta.</li>
              <li><b>USSD</b>: piga {ussd} kutoka simu yoyote, hata bila intaneti.</li>
              <li><b>SMS</b>: fuatilia ombi lako au wasilisha malalamiko kwa ujumbe mfupi.</li>
            </ul>
            <p>Kuomba ni bure. Hakuna mtu anayeruhusiwa kukudai pesa wala hongo. Mtu akifanya hivyo,
            tuambie: unaweza kulalamika bila kutaja jina lako.</p>
        """,
    },
    "ar": {
        "title": "دعم لك ولأسرتك",
        "intro": """
            لانغو هو المكان الواحد لتقديم الطلبات إلى برامج الحماية الاجتماعية الحكومية. أخبرنا عن
            أسرتك مرة واحدة وقدّم طلبًا إلى عدة برامج في الوقت نفسه. ويمكنك أيضًا متابعة طلبك، وتقديم
            شكوى أو تظلّم، وطلب أن نتصل بك.
        """,
        "body": """
            <h2>استخدم أي هاتف</h2>
            <ul>
              <li><b>الموقع</b>: من هذا الموقع، على الهاتف أو الحاسوب.</li>
              <li><b>USSD</b>: اطلب {ussd} من أي هاتف، حتى دون إنترنت.</li>
              <li><b>الرسائل القصيرة</b>: تابع طلبك أو قدّم شكوى برسالة نصية.</li>
            </ul>
            <p>تقديم الطلب مجاني. لا يحق لأحد أن يطلب منك مالًا أو رشوة. إذا حدث ذلك فأخبرنا: يمكنك
            تقديم شكوى دون ذكر اسمك.</p>
        """,
    },
}

PROGRAMME_INDEX: dict[str, dict[str, str]] = {
    "en": {
        "title": "Programmes",
        "intro": """
            You can apply to several programmes at once. Read who each programme is for. If you are
            not sure, apply anyway: an officer looks at every application.
        """,
    },
    "fr": {
        "title": "Programmes",
        "intro": """
            Vous pouvez faire une demande à plusieurs programmes à la fois. Lisez à qui s'adresse
            chaque programme. En cas de doute, faites quand même la demande : un agent examine chaque
            dossier.
        """,
    },
    "sw": {
        "title": "Mipango",
        "intro": """
            Unaweza kuomba mipango kadhaa kwa wakati mmoja. Soma kila mpango ni wa nani. Ukiwa na
            shaka, omba tu: afisa huangalia kila ombi.
        """,
    },
    "ar": {
        "title": "البرامج",
        "intro": """
            يمكنك التقدم إلى عدة برامج في آن واحد. اقرأ لمن كل برنامج. إذا لم تكن متأكدًا فقدّم طلبك على
            أي حال: يراجع موظف مختص كل طلب.
        """,
    },
}

# code -> language -> summary, who_can_apply (rich text) and what_you_get (one sentence).
PROGRAMMES: dict[str, dict[str, dict[str, str]]] = {
    "old-age-pension": {
        "en": {
            "summary": "A monthly cash payment for older people, to help with food, health and daily needs.",
            "who_can_apply": """
                <p>You can apply if you are {min_age} years old or older. Your income does not matter.</p>
                <p>Need help? Ask us to call you back: an agent can fill in the application with you
                on the phone.</p>
            """,
            "what_you_get": "You receive the payment every month, for as long as you qualify.",
        },
        "fr": {
            "summary": """
                Un versement mensuel pour les personnes âgées, pour aider à payer la nourriture, la
                santé et les besoins de tous les jours.
            """,
            "who_can_apply": """
                <p>Vous pouvez faire une demande si vous avez {min_age} ans ou plus. Vos revenus ne
                comptent pas.</p>
                <p>Besoin d'aide ? Demandez qu'on vous rappelle : un agent peut remplir la demande
                avec vous au téléphone.</p>
            """,
            "what_you_get": "Vous recevez le versement chaque mois, tant que vous remplissez les conditions.",
        },
        "sw": {
            "summary": """
                Malipo ya fedha kila mwezi kwa wazee, ili kusaidia chakula, afya na mahitaji ya kila
                siku.
            """,
            "who_can_apply": """
                <p>Unaweza kuomba ikiwa una umri wa miaka {min_age} au zaidi. Kipato chako
                hakizingatiwi.</p>
                <p>Unahitaji msaada? Omba tukupigie simu: wakala wetu anaweza kujaza ombi pamoja nawe
                kwa simu.</p>
            """,
            "what_you_get": "Utapokea malipo kila mwezi, muda wote unapokidhi masharti.",
        },
        "ar": {
            "summary": "مبلغ نقدي شهري لكبار السن، للمساعدة في الطعام والصحة والاحتياجات اليومية.",
            "who_can_apply": """
                <p>يمكنك التقدم إذا كان عمرك {min_age} سنة أو أكثر. لا يؤخذ دخلك في الحسبان.</p>
                <p>هل تحتاج إلى مساعدة؟ اطلب أن نتصل بك: يمكن لأحد موظفينا تعبئة الطلب معك عبر
                الهاتف.</p>
            """,
            "what_you_get": "تحصل على المبلغ كل شهر ما دمت مستوفيًا للشروط.",
        },
    },
    "child-support-grant": {
        "en": {
            "summary": """
                A monthly cash grant for families with children, to help pay for food, school and
                health care.
            """,
            "who_can_apply": """
                <p>You can apply if both are true:</p>
                <ul>
                  <li>you look after at least one child under {children_under};</li>
                  <li>your household lives on less than {currency} {income} a month per person. For
                  example, a household of {example_size} people with less than {currency}
                  {income_example} a month.</li>
                </ul>
            """,
            "what_you_get": "You receive the grant every month until the child turns {children_under}.",
        },
        "fr": {
            "summary": """
                Une allocation mensuelle pour les familles avec enfants, pour aider à payer la
                nourriture, l'école et les soins.
            """,
            "who_can_apply": """
                <p>Vous pouvez faire une demande si :</p>
                <ul>
                  <li>vous vous occupez d'au moins un enfant de moins de {children_under} ans ;</li>
                  <li>votre ménage vit avec moins de {income} {currency} par mois et par personne. Par
                  exemple, un ménage de {example_size} personnes avec moins de {income_example}
                  {currency} par mois.</li>
                </ul>
            """,
            "what_you_get": "Vous recevez l'allocation chaque mois, jusqu'aux {children_under} ans de l'enfant.",
        },
        "sw": {
            "summary": """
                Ruzuku ya fedha kila mwezi kwa familia zenye watoto, ili kusaidia kulipia chakula,
                shule na matibabu.
            """,
            "who_can_apply": """
                <p>Unaweza kuomba ikiwa:</p>
                <ul>
                  <li>unamlea angalau mtoto mmoja mwenye umri chini ya miaka {children_under};</li>
                  <li>kaya yako inaishi kwa chini ya {currency} {income} kwa mwezi kwa kila mtu. Kwa
                  mfano, kaya ya watu {example_size} yenye chini ya {currency} {income_example} kwa
                  mwezi.</li>
                </ul>
            """,
            "what_you_get": "Utapokea ruzuku kila mwezi hadi mtoto atimize miaka {children_under}.",
        },
        "ar": {
            "summary": """
                منحة نقدية شهرية للأسر التي لديها أطفال، للمساعدة في دفع تكاليف الطعام والمدرسة والرعاية
                الصحية.
            """,
            "who_can_apply": """
                <p>يمكنك التقدم إذا توفر الشرطان:</p>
                <ul>
                  <li>أنك تعتني بطفل واحد على الأقل دون سن {children_under}؛</li>
                  <li>أن أسرتك تعيش بأقل من {income} {currency} شهريًا للفرد. مثلًا: أسرة من
                  {example_size} أفراد دخلها أقل من {income_example} {currency} في الشهر.</li>
                </ul>
            """,
            "what_you_get": "تحصل على المنحة كل شهر حتى يبلغ الطفل {children_under} سنة.",
        },
    },
    "disability-grant": {
        "en": {
            "summary": "A monthly cash grant for households that include a person with a disability.",
            "who_can_apply": """
                <p>You can apply if someone in your household has a disability: a child, an adult or
                yourself. Your income does not matter.</p>
            """,
            "what_you_get": """
                You receive the grant every month, while the person with a disability lives in your
                household.
            """,
        },
        "fr": {
            "summary": "Une allocation mensuelle pour les ménages où vit une personne handicapée.",
            "who_can_apply": """
                <p>Vous pouvez faire une demande si une personne de votre ménage vit avec un handicap :
                un enfant, un adulte ou vous-même. Vos revenus ne comptent pas.</p>
            """,
            "what_you_get": """
                Vous recevez l'allocation chaque mois, tant que la personne handicapée vit dans votre
                ménage.
            """,
        },
        "sw": {
            "summary": "Ruzuku ya fedha kila mwezi kwa kaya zenye mtu mwenye ulemavu.",
            "who_can_apply": """
                <p>Unaweza kuomba ikiwa mtu katika kaya yako ana ulemavu: mtoto, mtu mzima au wewe
                mwenyewe. Kipato chako hakizingatiwi.</p>
            """,
            "what_you_get": "Utapokea ruzuku kila mwezi, muda wote mtu mwenye ulemavu anaishi katika kaya yako.",
        },
        "ar": {
            "summary": "منحة نقدية شهرية للأسر التي يعيش فيها شخص من ذوي الإعاقة.",
            "who_can_apply": """
                <p>يمكنك التقدم إذا كان أحد أفراد أسرتك من ذوي الإعاقة: طفلًا كان أو بالغًا أو أنت نفسك.
                لا يؤخذ دخلك في الحسبان.</p>
            """,
            "what_you_get": "تحصل على المنحة كل شهر ما دام الشخص ذو الإعاقة يعيش في أسرتك.",
        },
    },
    "public-works": {
        "en": {
            "summary": """
                Paid work on community projects, such as roads, water points and tree planting, for
                adults who need an income.
            """,
            "who_can_apply": """
                <p>You can apply if both are true:</p>
                <ul>
                  <li>you are between {min_age} and {max_age} years old;</li>
                  <li>your household lives on less than {currency} {income} a month per person. For
                  example, a household of {example_size} people with less than {currency}
                  {income_example} a month.</li>
                </ul>
            """,
            "what_you_get": "You are paid every month for the days you work on the project.",
        },
        "fr": {
            "summary": """
                Un travail payé sur des projets locaux (routes, points d'eau, plantation d'arbres) pour
                les adultes qui ont besoin d'un revenu.
            """,
            "who_can_apply": """
                <p>Vous pouvez faire une demande si :</p>
                <ul>
                  <li>vous avez entre {min_age} et {max_age} ans ;</li>
                  <li>votre ménage vit avec moins de {income} {currency} par mois et par personne. Par
                  exemple, un ménage de {example_size} personnes avec moins de {income_example}
                  {currency} par mois.</li>
                </ul>
            """,
            "what_you_get": "Vous êtes payé chaque mois pour les jours travaillés sur le projet.",
        },
        "sw": {
            "summary": """
                Kazi yenye malipo katika miradi ya jamii, kama barabara, vituo vya maji na upandaji
                miti, kwa watu wazima wanaohitaji kipato.
            """,
            "who_can_apply": """
                <p>Unaweza kuomba ikiwa:</p>
                <ul>
                  <li>una umri kati ya miaka {min_age} na {max_age};</li>
                  <li>kaya yako inaishi kwa chini ya {currency} {income} kwa mwezi kwa kila mtu. Kwa
                  mfano, kaya ya watu {example_size} yenye chini ya {currency} {income_example} kwa
                  mwezi.</li>
                </ul>
            """,
            "what_you_get": "Utalipwa kila mwezi kwa siku ulizofanya kazi katika mradi.",
        },
        "ar": {
            "summary": """
                عمل مدفوع الأجر في مشاريع محلية، مثل الطرق ونقاط المياه وزراعة الأشجار، للبالغين الذين
                يحتاجون إلى دخل.
            """,
            "who_can_apply": """
                <p>يمكنك التقدم إذا توفر الشرطان:</p>
                <ul>
                  <li>أن يكون عمرك بين {min_age} و{max_age} سنة؛</li>
                  <li>أن أسرتك تعيش بأقل من {income} {currency} شهريًا للفرد. مثلًا: أسرة من
                  {example_size} أفراد دخلها أقل من {income_example} {currency} في الشهر.</li>
                </ul>
            """,
            "what_you_get": "تتقاضى أجرك كل شهر عن الأيام التي عملت فيها في المشروع.",
        },
    },
    "emergency-cash": {
        "en": {
            "summary": """
                A one-off cash payment for households hit by an emergency, such as drought or floods.
            """,
            "who_can_apply": """
                <p>Any household living in the Coast or North Eastern region can apply, whatever its
                size or income. Only one person per household should apply.</p>
            """,
            "what_you_get": "You receive one payment, once: it is not paid every month.",
        },
        "fr": {
            "summary": """
                Un versement unique pour les ménages touchés par une urgence, comme une sécheresse ou
                des inondations.
            """,
            "who_can_apply": """
                <p>Tout ménage qui vit dans la région de la Côte ou du Nord-Est peut faire une demande,
                quels que soient sa taille et ses revenus. Une seule personne par ménage doit faire la
                demande.</p>
            """,
            "what_you_get": "Vous recevez un seul versement : il n'est pas payé chaque mois.",
        },
        "sw": {
            "summary": """
                Malipo ya fedha ya mara moja kwa kaya zilizokumbwa na dharura, kama ukame au mafuriko.
            """,
            "who_can_apply": """
                <p>Kaya yoyote inayoishi katika eneo la Pwani au la Kaskazini Mashariki inaweza kuomba,
                bila kujali idadi ya watu wala kipato. Mtu mmoja tu kwa kila kaya anapaswa kuomba.</p>
            """,
            "what_you_get": "Utapokea malipo mara moja tu: hayalipwi kila mwezi.",
        },
        "ar": {
            "summary": "مبلغ نقدي يُدفع مرة واحدة للأسر المتضررة من حالة طارئة، مثل الجفاف أو الفيضانات.",
            "who_can_apply": """
                <p>يمكن لأي أسرة تعيش في إقليم الساحل أو إقليم الشمال الشرقي أن تتقدم، مهما كان عدد
                أفرادها أو دخلها. يتقدم شخص واحد فقط عن كل أسرة.</p>
            """,
            "what_you_get": "تحصل على دفعة واحدة فقط: لا تُدفع كل شهر.",
        },
    },
}

# The body of every programme page: what you get, what you need, what happens next.
PROGRAMME_BODY: dict[str, str] = {
    "en": """
        <h2>What you get</h2>
        <p>{what_you_get}</p>
        <h2>What you need</h2>
        <p>Your name, date of birth, phone number and a few facts about your household. A national
        ID helps but is not required.</p>
        <h2>What happens next</h2>
        <p>You get a reference number by SMS. An officer looks at your application and sends you the
        decision by SMS, with the reason. If you do not agree, you can appeal within 30 days.</p>
    """,
    "fr": """
        <h2>Ce que vous recevez</h2>
        <p>{what_you_get}</p>
        <h2>Ce qu'il vous faut</h2>
        <p>Votre nom, votre date de naissance, votre numéro de téléphone et quelques informations sur
        votre ménage. Une carte d'identité est utile mais pas obligatoire.</p>
        <h2>Et ensuite ?</h2>
        <p>Vous recevez un numéro de référence par SMS. Un agent examine votre demande et vous envoie
        la décision par SMS, avec la raison. Si vous n'êtes pas d'accord, vous pouvez faire un recours
        dans les 30 jours.</p>
    """,
    "sw": """
        <h2>Utakachopata</h2>
        <p>{what_you_get}</p>
        <h2>Unachohitaji</h2>
        <p>Jina lako, tarehe ya kuzaliwa, namba ya simu na taarifa chache kuhusu kaya yako.
        Kitambulisho cha taifa kinasaidia lakini si lazima.</p>
        <h2>Kinachofuata</h2>
        <p>Utapokea namba ya kumbukumbu kwa SMS. Afisa ataangalia ombi lako na kukutumia uamuzi kwa
        SMS, pamoja na sababu. Ikiwa hukubaliani, unaweza kukata rufaa ndani ya siku 30.</p>
    """,
    "ar": """
        <h2>ما ستحصل عليه</h2>
        <p>{what_you_get}</p>
        <h2>ما تحتاج إليه</h2>
        <p>اسمك وتاريخ ميلادك ورقم هاتفك وبعض المعلومات عن أسرتك. بطاقة الهوية الوطنية مفيدة لكنها
        ليست إلزامية.</p>
        <h2>ماذا بعد؟</h2>
        <p>تصلك رسالة نصية برقم مرجعي. يراجع موظف مختص طلبك ويرسل إليك القرار برسالة نصية مع ذكر
        السبب. إذا لم توافق على القرار، يمكنك تقديم تظلّم خلال 30 يومًا.</p>
    """,
}

FAQ: dict[str, dict[str, str]] = {
    "en": {
        "title": "Questions and answers",
        "intro": "Short answers to the questions people ask most.",
        "body": """
            <h2>Who can apply?</h2>
            <p>Anyone can apply to any open programme. Before you apply, we tell you which programmes
            you are likely to qualify for, and why. This is only advice: an officer looks at every
            application.</p>
            <h2>Does it cost anything?</h2>
            <p>No. Applying, complaining and asking for a call back are free. Nobody may ask you for
            money or a favour. If someone does, make a complaint; you do not have to give your
            name.</p>
            <h2>I have no national ID. Can I apply?</h2>
            <p>Yes. Give your name, date of birth and phone number. An ID helps us find your records
            faster, but it is not required.</p>
            <h2>How do I follow my application?</h2>
            <p>After you apply, you get a 10-digit reference number by SMS. Use it on this site, by
            USSD ({ussd}) or by SMS to see where your application stands. We also send you an SMS when
            a decision is made.</p>
            <h2>What if my application is refused?</h2>
            <p>An officer always gives you the reason. If you do not agree, you can appeal within 30
            days, on any channel. A different officer looks at your appeal.</p>
            <h2>How do I make a complaint?</h2>
            <p>You can make a complaint on this site, in the USSD menu or by SMS. You get a reference
            number to follow it. If you do not give your name, you also get a 4-digit PIN: write it
            down, we show it only once.</p>
            <h2>Who reads my complaint?</h2>
            <p>An officer in charge of complaints, who must answer you by a set date. Complaints about
            fraud, sexual exploitation and abuse, or staff behaviour are seen only by specially cleared
            officers, and we never name the subject in an SMS.</p>
            <h2>Can someone call me?</h2>
            <p>Yes. Ask for a call back on this site, in the USSD menu or by SMS, and an agent will
            call you. The agent can do for you anything you can do yourself.</p>
        """,
    },
    "fr": {
        "title": "Questions et réponses",
        "intro": "Des réponses courtes aux questions les plus fréquentes.",
        "body": """
            <h2>Qui peut faire une demande ?</h2>
            <p>Tout le monde peut faire une demande à n'importe quel programme ouvert. Avant la
            demande, nous vous indiquons les programmes auxquels vous avez des chances d'avoir droit,
            et pourquoi. Ce n'est qu'un conseil : un agent examine chaque demande.</p>
            <h2>Est-ce payant ?</h2>
            <p>Non. La demande, la plainte et le rappel sont gratuits. Personne ne peut vous demander
            de l'argent ou un service. Si cela arrive, déposez une plainte ; vous n'êtes pas obligé de
            donner votre nom.</p>
            <h2>Je n'ai pas de carte d'identité. Puis-je faire une demande ?</h2>
            <p>Oui. Donnez votre nom, votre date de naissance et votre numéro de téléphone. La carte
            d'identité nous aide à trouver votre dossier plus vite, mais elle n'est pas
            obligatoire.</p>
            <h2>Comment suivre ma demande ?</h2>
            <p>Après votre demande, vous recevez par SMS un numéro de référence à 10 chiffres. Avec ce
            numéro, vous voyez où en est votre demande sur ce site, par USSD ({ussd}) ou par SMS. Nous
            vous envoyons aussi un SMS dès qu'une décision est prise.</p>
            <h2>Et si ma demande est refusée ?</h2>
            <p>Un agent vous donne toujours la raison. Si vous n'êtes pas d'accord, vous pouvez faire
            un recours dans les 30 jours, par le canal de votre choix. Un autre agent examine votre
            recours.</p>
            <h2>Comment déposer une plainte ?</h2>
            <p>Vous pouvez déposer une plainte sur ce site, dans le menu USSD ou par SMS. Vous recevez
            un numéro de référence pour la suivre. Si vous ne donnez pas votre nom, vous recevez aussi
            un code PIN à 4 chiffres : notez-le, il n'est affiché qu'une fois.</p>
            <h2>Qui lit ma plainte ?</h2>
            <p>Un agent chargé des plaintes, qui doit vous répondre avant une date fixée. Les plaintes
            pour fraude, exploitation et abus sexuels ou mauvais comportement du personnel ne sont vues
            que par des agents spécialement habilités, et nous n'en citons jamais le sujet dans un
            SMS.</p>
            <h2>Quelqu'un peut-il m'appeler ?</h2>
            <p>Oui. Demandez à être rappelé sur ce site, dans le menu USSD ou par SMS, et un agent vous
            appelle. L'agent peut faire pour vous tout ce que vous pouvez faire vous-même.</p>
        """,
    },
    "sw": {
        "title": "Maswali na majibu",
        "intro": "Majibu mafupi kwa maswali yanayoulizwa mara nyingi.",
        "body": """
            <h2>Nani anaweza kuomba?</h2>
            <p>Mtu yeyote anaweza kuomba mpango wowote ulio wazi. Kabla ya kuomba, tunakuonyesha
            mipango ambayo huenda unastahili, na sababu zake. Huu ni ushauri tu: afisa huangalia kila
            ombi.</p>
            <h2>Je, kuna malipo yoyote?</h2>
            <p>Hapana. Kuomba, kulalamika na kuomba kupigiwa simu ni bure. Hakuna mtu anayeruhusiwa
            kukudai pesa wala hongo. Mtu akifanya hivyo, wasilisha malalamiko; si lazima utaje jina
            lako.</p>
            <h2>Sina kitambulisho cha taifa. Je, naweza kuomba?</h2>
            <p>Ndiyo. Toa jina lako, tarehe ya kuzaliwa na namba ya simu. Kitambulisho kinatusaidia
            kupata kumbukumbu zako haraka, lakini si lazima.</p>
            <h2>Nitafuatiliaje ombi langu?</h2>
            <p>Baada ya kuomba, utapokea kwa SMS namba ya kumbukumbu yenye tarakimu 10. Itumie kwenye
            tovuti hii, kwa USSD ({ussd}) au kwa SMS kuona ombi lako limefikia wapi. Pia tutakutumia
            SMS uamuzi utakapofanywa.</p>
            <h2>Itakuwaje ombi langu likikataliwa?</h2>
            <p>Afisa atakueleza sababu kila mara. Ikiwa hukubaliani, unaweza kukata rufaa ndani ya siku
            30, kwa njia yoyote. Afisa mwingine ataangalia rufaa yako.</p>
            <h2>Nawezaje kuwasilisha malalamiko?</h2>
            <p>Unaweza kuwasilisha malalamiko kwenye tovuti hii, kwenye menyu ya USSD au kwa SMS.
            Utapokea namba ya kumbukumbu ya kuyafuatilia. Usipotaja jina lako, utapokea pia PIN ya
            tarakimu 4: iandike, tunaionyesha mara moja tu.</p>
            <h2>Nani anasoma malalamiko yangu?</h2>
            <p>Afisa anayeshughulikia malalamiko, ambaye lazima akujibu kabla ya tarehe iliyowekwa.
            Malalamiko kuhusu udanganyifu, unyanyasaji wa kingono au tabia mbaya ya wafanyakazi
            yanasomwa tu na maafisa maalum walioidhinishwa, na hatutaji kamwe mada yake kwenye
            SMS.</p>
            <h2>Je, mtu anaweza kunipigia simu?</h2>
            <p>Ndiyo. Omba kupigiwa simu kwenye tovuti hii, kwenye menyu ya USSD au kwa SMS, na wakala
            atakupigia. Wakala anaweza kukufanyia chochote unachoweza kufanya mwenyewe.</p>
        """,
    },
    "ar": {
        "title": "أسئلة وأجوبة",
        "intro": "إجابات قصيرة عن أكثر الأسئلة شيوعًا.",
        "body": """
            <h2>من يمكنه التقدم بطلب؟</h2>
            <p>يمكن لأي شخص التقدم إلى أي برنامج مفتوح. قبل أن تتقدم، نخبرك بالبرامج التي يُرجَّح أن
            تستحقها ولماذا. هذه مجرد نصيحة: يراجع موظف مختص كل طلب.</p>
            <h2>هل هناك رسوم؟</h2>
            <p>لا. تقديم الطلب والشكوى وطلب معاودة الاتصال كلها مجانية. لا يحق لأحد أن يطلب منك مالًا
            أو رشوة. إذا حدث ذلك فقدّم شكوى، ولا يلزمك ذكر اسمك.</p>
            <h2>ليست لدي بطاقة هوية وطنية. هل يمكنني التقدم؟</h2>
            <p>نعم. أعطنا اسمك وتاريخ ميلادك ورقم هاتفك. تساعدنا بطاقة الهوية في العثور على سجلاتك
            بسرعة أكبر، لكنها ليست إلزامية.</p>
            <h2>كيف أتابع طلبي؟</h2>
            <p>بعد التقديم تصلك رسالة نصية برقم مرجعي من 10 أرقام. استخدمه على هذا الموقع أو عبر USSD
            ({ussd}) أو بالرسائل القصيرة لمعرفة حالة طلبك. وسنرسل إليك رسالة نصية أيضًا عند صدور
            القرار.</p>
            <h2>ماذا لو رُفض طلبي؟</h2>
            <p>يبيّن لك الموظف سبب الرفض دائمًا. إذا لم توافق، يمكنك تقديم تظلّم خلال 30 يومًا عبر أي
            قناة، ويراجع تظلّمك موظف آخر.</p>
            <h2>كيف أقدّم شكوى؟</h2>
            <p>يمكنك تقديم شكوى على هذا الموقع أو من قائمة USSD أو بالرسائل القصيرة. ستحصل على رقم
            مرجعي لمتابعتها. إذا لم تذكر اسمك، تحصل أيضًا على رمز سري (PIN) من 4 أرقام: دوّنه، فنحن
            نعرضه مرة واحدة فقط.</p>
            <h2>من يقرأ شكواي؟</h2>
            <p>موظف مسؤول عن الشكاوى، وعليه أن يرد عليك قبل موعد محدد. أما الشكاوى المتعلقة بالاحتيال
            أو الاستغلال والاعتداء الجنسي أو سوء سلوك الموظفين، فلا يطّلع عليها إلا موظفون مخوّلون
            خصيصًا، ولا نذكر موضوعها أبدًا في أي رسالة نصية.</p>
            <h2>هل يمكن أن يتصل بي أحد؟</h2>
            <p>نعم. اطلب معاودة الاتصال على هذا الموقع أو من قائمة USSD أو بالرسائل القصيرة، وسيتصل
            بك أحد موظفي مركز الاتصال. ويمكنه أن يقوم نيابةً عنك بكل ما يمكنك القيام به بنفسك.</p>
        """,
    },
}

ABOUT: dict[str, dict[str, str]] = {
    "en": {
        "title": "About Lango",
        "intro": """
            Lango means "gate" in Kiswahili. It is the front door to the government's social
            protection programmes.
        """,
        "body": """
            <p>With Lango you tell us about your household once and apply to several programmes at the
            same time, from any phone: on the web, by USSD or by SMS, in English, French, Kiswahili or
            Arabic.</p>
            <h2>Our promises</h2>
            <ul>
              <li>Only an officer can refuse an application, always with a reason, and you can
              appeal.</li>
              <li>Every complaint gets a reference number and an answer by a set date.</li>
              <li>A person is always within reach: ask us to call you back.</li>
              <li>We collect only the information the programmes need, and we record who looks at
              it.</li>
              <li>We publish how many complaints we receive and how fast we solve them, without any
              personal data.</li>
            </ul>
        """,
    },
    "fr": {
        "title": "À propos de Lango",
        "intro": """
            Lango veut dire « porte » en kiswahili. C'est la porte d'entrée des programmes publics de
            protection sociale.
        """,
        "body": """
            <p>Avec Lango, vous parlez de votre ménage une seule fois et vous faites une demande à
            plusieurs programmes en même temps, depuis n'importe quel téléphone : sur le web, par USSD
            ou par SMS, en anglais, en français, en kiswahili ou en arabe.</p>
            <h2>Nos engagements</h2>
            <ul>
              <li>Seul un agent peut refuser une demande, toujours avec une raison, et vous pouvez
              faire un recours.</li>
              <li>Chaque plainte reçoit un numéro de référence et une réponse avant une date
              fixée.</li>
              <li>Une personne est toujours joignable : demandez qu'on vous rappelle.</li>
              <li>Nous ne collectons que les informations dont les programmes ont besoin, et nous
              enregistrons qui les consulte.</li>
              <li>Nous publions le nombre de plaintes reçues et le temps mis à les traiter, sans
              aucune donnée personnelle.</li>
            </ul>
        """,
    },
    "sw": {
        "title": "Kuhusu Lango",
        "intro": "Lango ni mlango wa kuingia kwenye mipango yote ya serikali ya hifadhi ya jamii.",
        "body": """
            <p>Kupitia Lango, unatueleza kuhusu kaya yako mara moja tu na kuomba mipango kadhaa kwa
            wakati mmoja, kutoka simu yoyote: kwenye tovuti, kwa USSD au kwa SMS, kwa Kiingereza,
            Kifaransa, Kiswahili au Kiarabu.</p>
            <h2>Ahadi zetu</h2>
            <ul>
              <li>Ni afisa pekee anayeweza kukataa ombi, daima kwa sababu, na unaweza kukata
              rufaa.</li>
              <li>Kila lalamiko linapata namba ya kumbukumbu na jibu kabla ya tarehe iliyowekwa.</li>
              <li>Daima kuna mtu wa kukusaidia: omba tukupigie simu.</li>
              <li>Tunakusanya tu taarifa ambazo mipango inahitaji, na tunaandika nani anaziangalia.</li>
              <li>Tunachapisha idadi ya malalamiko tunayopokea na kasi ya kuyatatua, bila taarifa
              zozote binafsi.</li>
            </ul>
        """,
    },
    "ar": {
        "title": "عن لانغو",
        "intro": "«لانغو» كلمة سواحيلية تعني «البوابة»، وهو البوابة إلى برامج الحماية الاجتماعية الحكومية.",
        "body": """
            <p>مع لانغو تخبرنا عن أسرتك مرة واحدة وتتقدم إلى عدة برامج في الوقت نفسه، من أي هاتف: عبر
            الموقع أو USSD أو الرسائل القصيرة، بالإنجليزية أو الفرنسية أو السواحيلية أو العربية.</p>
            <h2>التزاماتنا</h2>
            <ul>
              <li>لا يرفض طلبًا إلا موظف مختص، مع ذكر السبب دائمًا، ويحق لك التظلّم.</li>
              <li>تحصل كل شكوى على رقم مرجعي وعلى رد قبل موعد محدد.</li>
              <li>يمكنك دائمًا الوصول إلى شخص حقيقي: اطلب أن نتصل بك.</li>
              <li>لا نجمع إلا المعلومات التي تحتاج إليها البرامج، ونسجّل من يطّلع عليها.</li>
              <li>ننشر عدد الشكاوى التي نتلقاها ومدى سرعة حلها، دون أي بيانات شخصية.</li>
            </ul>
        """,
    },
}

PRIVACY: dict[str, dict[str, str]] = {
    "en": {
        "title": "Privacy notice",
        "intro": """
            This notice explains what information we collect, why, who can see it and how long we
            keep it. Version {consent_version}.
        """,
        "body": """
            <h2>What we collect and why</h2>
            <p>Only what the programmes need to decide on your application or answer your complaint:
            your name, date of birth, sex, phone number, district, and facts about your household (how
            many people, children, people with a disability, income). A national ID number is
            optional. If you give it, we keep only a coded form of it, to find double applications,
            and its last 3 digits, to show you.</p>
            <h2>Your consent</h2>
            <p>We ask for your consent before you apply. We record which version of this notice you
            agreed to, when, and on which channel. You can withdraw your consent at any time by
            contacting us.</p>
            <h2>Who can see your information</h2>
            <p>Only staff who need it for their work: officers of the programmes you applied to,
            officers handling your complaint, and call-centre agents helping you. We record every time
            a staff member looks at or changes your information. Complaints about fraud, sexual
            exploitation and abuse, or staff behaviour are seen only by specially cleared staff. We
            never share your information for marketing.</p>
            <h2>Correcting your information</h2>
            <p>If something we hold about you is wrong, tell us: make a complaint about wrong details
            on this site, by USSD or by SMS, or ask for a call back. We answer within 7 days.</p>
            <h2>How long we keep it</h2>
            <p>We keep your information while you take part in a programme and for 5 years after your
            last application, payment or complaint is closed. Then we delete it. Our public statistics
            never contain personal data.</p>
        """,
    },
    "fr": {
        "title": "Politique de confidentialité",
        "intro": """
            Cette page explique quelles informations nous collectons, pourquoi, qui peut les voir et
            combien de temps nous les gardons. Version {consent_version}.
        """,
        "body": """
            <h2>Ce que nous collectons et pourquoi</h2>
            <p>Seulement ce dont les programmes ont besoin pour décider de votre demande ou répondre à
            votre plainte : votre nom, votre date de naissance, votre sexe, votre numéro de téléphone,
            votre district et des informations sur votre ménage (nombre de personnes, enfants,
            personnes handicapées, revenus). Le numéro de carte d'identité est facultatif. Si vous le
            donnez, nous n'en gardons qu'une forme codée, pour repérer les demandes en double, et les
            3 derniers chiffres, pour vous les montrer.</p>
            <h2>Votre consentement</h2>
            <p>Nous vous demandons votre consentement avant la demande. Nous enregistrons la version de
            cette page que vous avez acceptée, la date et le canal utilisé. Vous pouvez retirer votre
            consentement à tout moment en nous contactant.</p>
            <h2>Qui peut voir vos informations</h2>
            <p>Seulement le personnel qui en a besoin pour son travail : les agents des programmes
            auxquels vous avez fait une demande, les agents qui traitent votre plainte et les agents du
            centre d'appels qui vous aident. Nous enregistrons chaque consultation ou modification de
            vos informations par un membre du personnel. Les plaintes pour fraude, exploitation et abus
            sexuels ou mauvais comportement du personnel ne sont vues que par du personnel spécialement
            habilité. Nous ne partageons jamais vos informations à des fins commerciales.</p>
            <h2>Corriger vos informations</h2>
            <p>Si une information que nous avons sur vous est fausse, dites-le-nous : déposez une
            plainte pour informations erronées sur ce site, par USSD ou par SMS, ou demandez qu'on vous
            rappelle. Nous répondons sous 7 jours.</p>
            <h2>Combien de temps nous les gardons</h2>
            <p>Nous gardons vos informations tant que vous participez à un programme, puis 5 ans après
            la clôture de votre dernière demande, de votre dernier paiement ou de votre dernière
            plainte. Ensuite, nous les supprimons. Nos statistiques publiques ne contiennent jamais de
            données personnelles.</p>
        """,
    },
    "sw": {
        "title": "Taarifa ya faragha",
        "intro": """
            Taarifa hii inaeleza tunakusanya taarifa gani, kwa nini, nani anaweza kuziona na
            tunazihifadhi kwa muda gani. Toleo {consent_version}.
        """,
        "body": """
            <h2>Tunachokusanya na kwa nini</h2>
            <p>Ni kile tu ambacho mipango inahitaji ili kuamua ombi lako au kujibu lalamiko lako: jina
            lako, tarehe ya kuzaliwa, jinsia, namba ya simu, wilaya, na taarifa kuhusu kaya yako
            (idadi ya watu, watoto, watu wenye ulemavu, kipato). Namba ya kitambulisho cha taifa si
            lazima. Ukiitoa, tunahifadhi tu namba hiyo katika hali iliyosimbwa, ili kugundua maombi
            yanayojirudia, na tarakimu zake 3 za mwisho, ili kukuonyesha.</p>
            <h2>Idhini yako</h2>
            <p>Tunaomba idhini yako kabla ya kuomba. Tunaandika toleo la taarifa hii ulilokubali,
            lini, na kupitia njia gani. Unaweza kuondoa idhini yako wakati wowote kwa kuwasiliana
            nasi.</p>
            <h2>Nani anaweza kuona taarifa zako</h2>
            <p>Ni wafanyakazi wanaozihitaji kwa kazi yao tu: maafisa wa mipango uliyoomba, maafisa
            wanaoshughulikia lalamiko lako, na mawakala wa kituo cha simu wanaokusaidia. Tunaandika
            kila mara mfanyakazi anapoangalia au kubadilisha taarifa zako. Malalamiko kuhusu
            udanganyifu, unyanyasaji wa kingono au tabia mbaya ya wafanyakazi yanasomwa tu na
            wafanyakazi maalum walioidhinishwa. Hatutoi kamwe taarifa zako kwa ajili ya biashara.</p>
            <h2>Kusahihisha taarifa zako</h2>
            <p>Ikiwa taarifa tulizo nazo kukuhusu si sahihi, tuambie: wasilisha lalamiko kuhusu
            taarifa zisizo sahihi kwenye tovuti hii, kwa USSD au kwa SMS, au omba tukupigie simu.
            Tutajibu ndani ya siku 7.</p>
            <h2>Tunazihifadhi kwa muda gani</h2>
            <p>Tunahifadhi taarifa zako muda wote unaposhiriki katika mpango, na kwa miaka 5 baada ya
            ombi, malipo au lalamiko lako la mwisho kufungwa. Kisha tunazifuta. Takwimu zetu za umma
            hazina kamwe taarifa binafsi.</p>
        """,
    },
    "ar": {
        "title": "إشعار الخصوصية",
        "intro": """
            يوضح هذا الإشعار المعلومات التي نجمعها وسبب جمعها ومن يمكنه الاطلاع عليها ومدة الاحتفاظ
            بها. الإصدار {consent_version}.
        """,
        "body": """
            <h2>ما نجمعه ولماذا</h2>
            <p>لا نجمع إلا ما تحتاج إليه البرامج للبت في طلبك أو الرد على شكواك: اسمك وتاريخ ميلادك
            وجنسك ورقم هاتفك ومنطقتك، ومعلومات عن أسرتك (عدد الأفراد والأطفال وذوي الإعاقة والدخل).
            رقم الهوية الوطنية اختياري. إذا قدّمته، لا نحتفظ إلا بصيغة مشفّرة منه لكشف الطلبات
            المكررة، وبآخر 3 أرقام منه لعرضها عليك.</p>
            <h2>موافقتك</h2>
            <p>نطلب موافقتك قبل تقديم الطلب. ونسجّل إصدار هذا الإشعار الذي وافقت عليه، ووقت
            الموافقة، والقناة المستخدمة. يمكنك سحب موافقتك في أي وقت بالتواصل معنا.</p>
            <h2>من يمكنه الاطلاع على معلوماتك</h2>
            <p>الموظفون الذين يحتاجون إليها في عملهم فقط: موظفو البرامج التي تقدمت إليها، والموظفون
            الذين يعالجون شكواك، وموظفو مركز الاتصال الذين يساعدونك. ونسجّل كل مرة يطّلع فيها موظف
            على معلوماتك أو يغيّرها. أما الشكاوى المتعلقة بالاحتيال أو الاستغلال والاعتداء الجنسي أو
            سوء سلوك الموظفين، فلا يطّلع عليها إلا موظفون مخوّلون خصيصًا. ولا نشارك معلوماتك أبدًا
            لأغراض تجارية.</p>
            <h2>تصحيح معلوماتك</h2>
            <p>إذا كانت لدينا معلومات خاطئة عنك فأخبرنا: قدّم شكوى بشأن بيانات خاطئة على هذا الموقع أو
            عبر USSD أو بالرسائل القصيرة، أو اطلب أن نتصل بك. نرد خلال 7 أيام.</p>
            <h2>مدة الاحتفاظ بمعلوماتك</h2>
            <p>نحتفظ بمعلوماتك ما دمت مشاركًا في أحد البرامج، ثم لمدة 5 سنوات بعد إغلاق آخر طلب أو
            دفعة أو شكوى لك. بعد ذلك نحذفها. ولا تتضمن إحصاءاتنا العامة أي بيانات شخصية أبدًا.</p>
        """,
    },
}

STANDARD_PAGES: dict[str, dict[str, dict[str, str]]] = {"faq": FAQ, "about": ABOUT, "privacy": PRIVACY}


# --- Building the tree ------------------------------------------------------------------------


@transaction.atomic
def create_site() -> HomePage:
    """Build the page tree in every language (idempotent) and make it the default site; return the home page.

    Create the areas first (``registry.demo.create_areas``) so that area-bound programmes get their areas.
    """
    programmes = create_programmes()
    home = _english_home()
    index = _english_child(home, ProgrammeIndexPage, PROGRAMME_INDEX_SLUG, page_fields(ProgrammeIndexPage, "en"))
    pages: list[Page] = [home, index]
    for code, programme in programmes.items():
        fields = programme_page_fields(programme, SOURCE_LANGUAGE)
        pages.append(_english_child(index, ProgrammePage, code, fields, programme=programme))
    for slug in STANDARD_PAGES:
        pages.append(_english_child(home, StandardPage, slug, page_fields(StandardPage, SOURCE_LANGUAGE, slug)))

    for language in TRANSLATED_LANGUAGES:
        locale = Locale.objects.get(language_code=language)
        for page in pages:  # parents come before their children
            _translate(page, locale, _fields_for(page, language))
    return home


def page_fields(page_type: type[Page], language: str, slug: str = "") -> dict[str, str]:
    """Return the title and text fields of a home, programme index or standard page in ``language``."""
    if page_type is HomePage:
        texts = HOME[language]
    elif page_type is ProgrammeIndexPage:
        texts = PROGRAMME_INDEX[language]
    else:
        texts = STANDARD_PAGES[slug][language]
    values = _placeholder_values(language)
    return {name: _finish(text, language, values) for name, text in texts.items()}


def programme_page_fields(programme: Programme, language: str) -> dict[str, str]:
    """Return the title, summary, who-can-apply and body of ``programme``'s page in ``language``."""
    texts = PROGRAMMES[programme.code][language]
    values = _placeholder_values(language, programme)
    what_you_get = _finish(texts["what_you_get"], language, values)
    return {
        "title": programme.name(language),
        "summary": _finish(texts["summary"], language, values),
        "who_can_apply": _finish(texts["who_can_apply"], language, values),
        "body": _finish(PROGRAMME_BODY[language], language, {**values, "what_you_get": what_you_get}),
    }


def _fields_for(page: Page, language: str) -> dict[str, str]:
    if isinstance(page, ProgrammePage):
        return programme_page_fields(page.programme, language)
    return page_fields(type(page), language, page.slug)


def _english_home() -> HomePage:
    """Return the English home page, creating it in place of Wagtail's welcome page if needed."""
    locale = Locale.objects.get(language_code=SOURCE_LANGUAGE)
    home = HomePage.objects.filter(locale=locale, depth=2).first()
    if home is None:
        root = Page.get_first_root_node()
        slug_taken = root.get_children().filter(slug=HOME_SLUG).exists()
        # The welcome page holds the slug and the site until our page replaces it.
        home = HomePage(slug=f"lango-{HOME_SLUG}" if slug_taken else HOME_SLUG, locale=locale)
        for name, value in page_fields(HomePage, SOURCE_LANGUAGE).items():
            setattr(home, name, value)
        root.add_child(instance=home)
        _make_default_site(home)
        _remove_welcome_pages()
        if home.slug != HOME_SLUG:
            home.slug = HOME_SLUG
            home.save()
        home.save_revision().publish()
    else:
        _make_default_site(home)
        _remove_welcome_pages()
    return home


def _make_default_site(home: HomePage) -> Site:
    """Point the default site (localhost:80) at ``home``."""
    site = Site.objects.filter(is_default_site=True).first() or Site(hostname="localhost", port=80)
    if site.pk and site.root_page_id == home.pk and site.hostname == "localhost" and site.port == 80:
        return site
    site.hostname, site.port, site.root_page, site.is_default_site = "localhost", 80, home, True
    site.site_name = site.site_name or settings.WAGTAIL_SITE_NAME
    site.save()
    return site


def _welcome_pages():
    """Wagtail's own welcome pages: plain pages directly under the root, with no children."""
    return Page.objects.filter(depth=2, numchild=0, content_type=ContentType.objects.get_for_model(Page))


def _remove_welcome_pages() -> None:
    for page in _welcome_pages().exclude(sites_rooted_here__isnull=False):
        page.delete()


def _english_child(parent: Page, page_type: type[Page], slug: str, fields: dict[str, str], **extra) -> Page:
    """Return the child of ``parent`` with ``slug``, creating and publishing it if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = page_type(slug=slug, locale=parent.locale, **fields, **extra)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _translate(source: Page, locale: Locale, fields: dict[str, str]) -> Page:
    """Return ``source``'s translation into ``locale``, creating and publishing it if missing.

    An alias (Wagtail's placeholder for a missing translation) becomes a real page with its own text.
    """
    existing = source.get_translation_or_none(locale)
    if existing is not None and existing.alias_of_id is None:
        return existing.specific
    if existing is None:
        page = source.copy_for_translation(locale, copy_parents=True)
    else:
        page = ConvertAliasPageAction(existing.specific).execute(skip_permission_checks=True)
    page = page.specific
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


# --- Text helpers -----------------------------------------------------------------------------

_LEFT_TO_RIGHT_ISOLATE, _POP_ISOLATE = "\u2066", "\u2069"


def _placeholder_values(language: str, programme: Programme | None = None) -> dict[str, str]:
    ussd, version = settings.USSD_SERVICE_CODE, settings.CONSENT_VERSION
    if language in settings.LANGUAGES_BIDI:
        # Keep codes like *384*1# in their left-to-right order inside right-to-left text.
        ussd = f"{_LEFT_TO_RIGHT_ISOLATE}{ussd}{_POP_ISOLATE}"
        version = f"{_LEFT_TO_RIGHT_ISOLATE}{version}{_POP_ISOLATE}"
    values = {"ussd": ussd, "currency": settings.CURRENCY, "consent_version": version}
    if programme is not None:
        income = programme.max_monthly_income_per_person or 0
        values.update(
            min_age=str(programme.min_age or ""),
            max_age=str(programme.max_age or ""),
            children_under=str(programme.requires_children_under or ""),
            income=_number(income, language),
            income_example=_number(income * EXAMPLE_HOUSEHOLD_SIZE, language),
            example_size=str(EXAMPLE_HOUSEHOLD_SIZE),
        )
    return values


def _number(value: int, language: str) -> str:
    """Group thousands the way ``language`` writes them (a narrow space in French)."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if language == "fr" else grouped


def _finish(text: str, language: str, values: dict[str, str]) -> str:
    """Fill the placeholders, join the wrapped lines and apply the language's spacing rules."""
    text = " ".join(text.split())
    text = re.sub(r">\s+<", "><", text)
    text = text.format_map(values)
    if language == "fr":
        # French puts a non-breaking space before : ; ? ! and inside « ».
        text = re.sub(r" ([:;?!»])", "\u00a0\\1", text)
        text = text.replace("« ", "«\u00a0")
    return text
