"""Demo FAQ for the B12 Patch demo site.

Answers stay on the safe side: B12 Patch is a dietary supplement, and readers with health
questions are sent to their doctor.
"""

ODS_B12 = "https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/"

FAQ = {
    "slug": "faq",
    "title": "FAQ",
    "intro": (
        "Answers to the questions we hear most often about the patch, vitamin B12, orders and "
        "safety. Cannot find what you need? Email hello@b12patch.example."
    ),
    "search_description": (
        "Frequently asked questions about B12 Patch: how to wear it, vitamin B12, shipping and "
        "returns, and safety."
    ),
    "groups": [
        {
            "title": "About the patch",
            "questions": [
                {
                    "question": "What is B12 Patch?",
                    "answer": "<p>B12 Patch is a dietary supplement: a thin, flexible patch "
                    "containing vitamin B12 (as methylcobalamin) that you wear on your skin for "
                    "a day at a time. It is an alternative for people who would rather not "
                    "swallow tablets or capsules.</p>",
                },
                {
                    "question": "Where on my body should I put it?",
                    "answer": "<p>Any clean, dry area with little hair works well. Popular "
                    "choices are:</p><ul><li>The upper arm</li><li>The inside of the "
                    "wrist</li><li>The top of the foot</li><li>The back of the "
                    "shoulder</li></ul><p>Move to a different spot each day to give your skin "
                    "a rest, and avoid broken or irritated skin.</p>",
                },
                {
                    "question": "How long do I wear each patch?",
                    "answer": "<p>Wear one patch a day, for up to 24 hours. Many people put a "
                    "new one on after their morning shower. Take the old patch off before you "
                    "apply the next, and never wear more than one at a time.</p>",
                },
                {
                    "question": "Can I shower, swim or exercise with it on?",
                    "answer": "<p>Yes, you can shower with the patch on, as it is "
                    "water-resistant. Long baths, swimming and heavy sweating may loosen the "
                    "edges, so press it down again afterwards. If it comes off, apply a fresh "
                    "patch and continue as normal the next day.</p>",
                },
                {
                    "question": "Is vitamin B12 absorbed through the skin?",
                    "answer": "<p>The skin is a strong barrier, and published research on how "
                    "much B12 passes through it from a patch is still limited. We do not "
                    "promise any particular change in your blood levels. If you have been "
                    "diagnosed with a deficiency, your doctor will choose how you should take "
                    "B12 and can check your level with a blood test.</p>",
                },
                {
                    "question": "Is B12 Patch suitable for vegans?",
                    "answer": "<p>Yes. The patch contains no animal-derived ingredients, and it "
                    "is also free from gluten, dairy, soy and latex.</p>",
                },
            ],
        },
        {
            "title": "Vitamin B12",
            "questions": [
                {
                    "question": "What does vitamin B12 do?",
                    "answer": "<p>Vitamin B12 helps the body make red blood cells, supports the "
                    "normal function of the nervous system, and is needed to make DNA. It also "
                    "plays a part in releasing energy from food.</p>",
                },
                {
                    "question": "How much vitamin B12 do I need?",
                    "answer": "<p>According to the US National Institutes of Health, most adults "
                    "need 2.4 micrograms a day, rising to 2.6 micrograms in pregnancy and 2.8 "
                    "micrograms while breastfeeding. Children need less. See the "
                    f'<a href="{ODS_B12}">NIH fact sheet</a> for the full table.</p>',
                },
                {
                    "question": "Who is most likely to be low in B12?",
                    "answer": "<p>People at higher risk include:</p><ul><li>Vegans and some "
                    "vegetarians</li><li>Adults over 50</li><li>People with pernicious anemia "
                    "or gut conditions such as Crohn’s or celiac disease</li><li>People who "
                    "have had stomach or weight-loss surgery</li><li>Long-term users of "
                    "metformin or acid-reducing medicines</li></ul>",
                },
                {
                    "question": "How do I find out whether I am low in B12?",
                    "answer": "<p>Only a blood test can tell you. If you have symptoms such as "
                    "tiredness, pins and needles or a sore tongue, or you are in a higher-risk "
                    "group, ask your doctor to check your B12 level before you start any "
                    "supplement.</p>",
                },
            ],
        },
        {
            "title": "Orders, shipping and returns",
            "questions": [
                {
                    "question": "Which packs can I buy?",
                    "answer": "<p>There are three: 30 patches (one month), 90 patches (three "
                    "months) and 180 patches (six months). The larger packs cost less per "
                    "patch and ship free within the United States. Online ordering opens "
                    "soon.</p>",
                },
                {
                    "question": "How long does delivery take?",
                    "answer": "<p>Orders leave our warehouse within one business day. Standard "
                    "delivery in the United States usually takes 3 to 7 business days, and "
                    "expedited delivery 1 to 3. International orders take longer; see our "
                    "Shipping &amp; Return Policy for details.</p>",
                },
                {
                    "question": "Can I return my order?",
                    "answer": "<p>Yes, within 30 days of delivery. Unopened packs are refunded "
                    "in full, and opened packs are refunded for the patches still in sealed "
                    "pouches. Email hello@b12patch.example with your order number to "
                    "start a return.</p>",
                },
                {
                    "question": "My parcel arrived damaged. What should I do?",
                    "answer": "<p>We are sorry. Email us a photo of the damage and your order "
                    "number within 14 days of delivery, and we will send a replacement or a "
                    "full refund at no cost to you.</p>",
                },
            ],
        },
        {
            "title": "Safety",
            "questions": [
                {
                    "question": "Should I talk to my doctor before using B12 Patch?",
                    "answer": "<p>Yes, especially if you take any medicine, have a medical "
                    "condition, or think you may be low in B12. Your doctor can check your "
                    "level and tell you whether a supplement makes sense for you.</p>",
                },
                {
                    "question": "Can I use it while pregnant or breastfeeding?",
                    "answer": "<p>Only if your doctor or midwife agrees. Many prenatal vitamins "
                    "already contain B12, and your care team can tell you whether you need "
                    "more.</p>",
                },
                {
                    "question": "What if I have sensitive skin or react to adhesives?",
                    "answer": "<p>The patch uses a hypoallergenic, latex-free acrylic adhesive, "
                    "but any adhesive can irritate some people. If you have reacted to "
                    "plasters or medical tape before, try one patch for a few hours first. "
                    "Remove it and stop using the patches if you notice redness, itching or a "
                    "rash that does not settle, and see a doctor if the reaction is "
                    "severe.</p>",
                },
                {
                    "question": "I have pernicious anemia. Can I use the patch instead of my "
                    "injections?",
                    "answer": "<p>No. Please do not replace any treatment your doctor has "
                    "prescribed with B12 Patch or any other supplement. If you would like to "
                    "discuss other ways of taking B12, talk to your doctor, who can monitor "
                    "your levels with regular blood tests.</p>",
                },
                {
                    "question": "Can children use B12 Patch?",
                    "answer": "<p>The patch is not meant for children under 12 unless a doctor "
                    "advises it. Keep patches, including used ones, out of the reach of "
                    "children.</p>",
                },
            ],
        },
    ],
}
