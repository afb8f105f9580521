"""Demo blog posts and illustrations for the B12 Patch demo site.

Every sentence here was written for the demo. The posts are educational: they describe vitamin
B12 and the conditions linked with a shortage of it, and they send readers to their doctor. They
make no claim that B12 Patch diagnoses, treats, cures or prevents any disease.
"""

from datetime import date

ODS_B12 = "https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/"
ODS_B12_CONSUMER = "https://ods.od.nih.gov/factsheets/VitaminB12-Consumer/"
NHS_B12 = "https://www.nhs.uk/conditions/vitamin-b12-or-folate-deficiency-anaemia/"

IMAGES = {
    "patch-hero": {
        "title": "A B12 patch on an upper arm",
        "motif": "patch",
        "palette": ("#14532d", "#bbf7d0"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
    "molecule": {
        "title": "A model of the cobalamin molecule",
        "motif": "molecule",
        "palette": ("#1e3a8a", "#bfdbfe"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
    "bones": {
        "title": "A thigh bone and hip joint",
        "motif": "bones",
        "palette": ("#44403c", "#f5f5f4"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
    "nerves": {
        "title": "Branching nerve fibers",
        "motif": "nerves",
        "palette": ("#581c87", "#e9d5ff"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
    "food": {
        "title": "Cans and plates of foods that contain vitamin B12",
        "motif": "food",
        "palette": ("#9a3412", "#fed7aa"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
    "stomach": {
        "title": "The stomach and small intestine",
        "motif": "stomach",
        "palette": ("#9f1239", "#fecdd3"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
    "tongue": {
        "title": "An open mouth and tongue",
        "motif": "tongue",
        "palette": ("#be123c", "#ffe4e6"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
    "leaf": {
        "title": "Green leaves",
        "motif": "leaf",
        "palette": ("#166534", "#dcfce7"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
    "calendar": {
        "title": "A wall calendar",
        "motif": "calendar",
        "palette": ("#0f766e", "#ccfbf1"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
    "chart": {
        "title": "A chart of blood test results",
        "motif": "chart",
        "palette": ("#334155", "#e2e8f0"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
}

POSTS = [
    # ------------------------------------------------------------------ 1
    {
        "slug": "b12-deficiency-or-multiple-sclerosis",
        "title": "Is it multiple sclerosis or vitamin B12 deficiency?",
        "date": date(2012, 1, 12),
        "author": "Dana Whitfield",
        "intro": (
            "Numb feet, shaky steps and a foggy head can point to multiple sclerosis, but a "
            "shortage of vitamin B12 can look remarkably similar. Here is how the two differ and "
            "how doctors tell them apart."
        ),
        "tags": ["What is B12 deficiency", "multiple sclerosis", "pernicious anemia"],
        "header_image": "nerves",
        "header_image_alt": "Illustration of branching nerve fibers on a purple background",
        "body": [
            (
                "paragraph",
                "<p>Tingling that spreads from the toes into the feet, a tiredness sleep does "
                "not lift, names that slip away mid-sentence: people with complaints like these "
                "often fear multiple sclerosis (MS). Some of them do have it. Others turn out to "
                "be short of vitamin B12, and a few have both. It helps to know what each one "
                "is and which tests separate them.</p>",
            ),
            ("heading", {"text": "Where the symptoms overlap", "level": "h2"}),
            (
                "paragraph",
                "<p>Both conditions affect the nervous system, so their early signs can be "
                "almost identical:</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "Fatigue out of all proportion to the effort made",
                        "Numbness and tingling, the familiar “pins and needles”, in the hands "
                        "and feet",
                        "An unsteady walk and trouble keeping your balance",
                        "Poor memory and concentration, often described as “brain fog”",
                    ],
                    "ordered": False,
                },
            ),
            (
                "paragraph",
                "<p>The link goes beyond shared symptoms. Low B12 is found often in people who "
                "already have a diagnosis of MS [cite:key:ms-b12-review], which is one reason "
                "doctors measure B12 when they look into nerve symptoms.</p>",
            ),
            ("heading", {"text": "What multiple sclerosis is", "level": "h2"}),
            (
                "paragraph",
                "<p>MS is believed to be an autoimmune disease: the immune system turns on "
                "myelin, the fatty sheath that insulates nerve fibers in the brain and spinal "
                "cord. Where myelin is damaged, scarred patches called lesions or plaques "
                "form, typically in more than one place. The disease usually begins between "
                "the ages of 20 and 40 and affects more women than men.</p>"
                "<p>Early signs can include weakness in an arm or leg, numbness, loss of "
                "balance, blurred or double vision or pain when moving an eye, and slurred "
                "speech. As the disease progresses, some people become sensitive to heat and "
                "develop muscle spasms, bladder problems, vertigo, seizures or paralysis.</p>",
            ),
            ("heading", {"text": "What vitamin B12 deficiency is", "level": "h2"}),
            (
                "paragraph",
                "<p>In B12 deficiency the body cannot hold on to enough cobalamin, the chemical "
                "name for vitamin B12. One route there is diet: B12 comes almost entirely from "
                "animal foods such as meat, fish and milk, so people who eat none of them can "
                "run low. The other route is absorption, because several gut disorders stop "
                "B12 from passing from food into the blood.</p>"
                "<p>The best-known absorption problem is <b>pernicious anemia</b>, an "
                "autoimmune disease in which the stomach stops making intrinsic factor "
                "[cite:key:pernicious-anemia-review]. "
                "Intrinsic factor is the protein that escorts B12 across the wall of the gut; "
                "without it, even a diet rich in B12 leaves the body short.</p>"
                "<p>This is where the two conditions meet. The body needs B12 to build and "
                "maintain myelin, so a long shortage can damage the very sheath that MS "
                "attacks [cite:key:ms-b12-review]. B12 deficiency also brings signs that are "
                "less typical of MS, "
                "including depression, anxiety or paranoia, a sore, red and swollen tongue, a "
                "burning feeling in the mouth, and shortness of breath.</p>",
            ),
            (
                "image",
                {
                    "image": "nerves",
                    "alt_text": "Illustration of nerve fibers branching across the picture",
                    "caption": "Myelin insulates nerve fibers. MS damages it, and so can a long "
                    "shortage of vitamin B12.",
                },
            ),
            ("heading", {"text": "Side by side", "level": "h2"}),
            (
                "comparison_table",
                {
                    "caption": "How multiple sclerosis and vitamin B12 deficiency compare",
                    "left_heading": "Multiple sclerosis",
                    "right_heading": "Vitamin B12 deficiency",
                    "rows": [
                        {
                            "left": "Thought to be autoimmune: the immune system attacks myelin",
                            "right": "Too little B12 in the diet, or a problem absorbing it, "
                            "such as pernicious anemia",
                        },
                        {
                            "left": "Usually begins between 20 and 40; more common in women",
                            "right": "Any age; more likely in vegans, older adults and after "
                            "stomach surgery",
                        },
                        {
                            "left": "Fatigue, numbness and tingling, unsteady walking, brain fog",
                            "right": "Fatigue, numbness and tingling, unsteady walking, brain fog",
                        },
                        {
                            "left": "Vision problems or eye pain, slurred speech, heat "
                            "sensitivity, spasms, bladder trouble",
                            "right": "Sore red tongue, burning mouth, breathlessness, low mood, "
                            "anxiety",
                        },
                        {
                            "left": "Diagnosed by elimination: MRI, neurological examination, "
                            "blood tests, lumbar puncture, evoked potentials",
                            "right": "A blood test for serum B12",
                        },
                        {
                            "left": "No cure; medicines that calm the immune response, physical "
                            "therapy, exercise, supportive care",
                            "right": "B12 prescribed by a doctor, often as injections; regular "
                            "blood tests in pernicious anemia",
                        },
                    ],
                },
            ),
            ("heading", {"text": "How doctors tell them apart", "level": "h2"}),
            (
                "paragraph",
                "<p>No single test confirms MS. Doctors reach the diagnosis by ruling out "
                "other explanations, and B12 deficiency is one of the first they check. The "
                "work-up usually includes:</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "An MRI scan looking for at least two separate areas of myelin damage",
                        "A neurological examination of strength, reflexes, coordination and "
                        "sensation",
                        "Blood tests to exclude conditions that mimic MS, low B12 among them",
                        "A lumbar puncture, which samples the fluid around the spinal cord",
                        "Evoked potential tests, which time how quickly nerves carry signals",
                    ],
                    "ordered": False,
                },
            ),
            (
                "paragraph",
                "<p>Checking for B12 deficiency is much simpler: one blood test measures the "
                "level of B12 in serum [cite:key:b12-deficiency-review]. People with pernicious "
                "anemia then have blood tests at "
                "regular intervals so their doctor can keep watch over their levels.</p>",
            ),
            ("heading", {"text": "How each is managed", "level": "h2"}),
            (
                "paragraph",
                "<p>There is no cure for MS. Treatment aims to slow the disease and ease its "
                "symptoms with medicines that damp down the immune response, physical therapy, "
                "exercise and other supportive care. Deep brain stimulation has been tried for "
                "severe tremor, although doctors still disagree about its place.</p>"
                "<p>B12 deficiency is usually corrected with B12 prescribed by a doctor. "
                "Injections are common, and some people use tablets that dissolve under the "
                "tongue. People who lack intrinsic factor, or who have had stomach surgery, "
                "cannot rely on B12 from food or ordinary swallowed tablets, so their doctor "
                "will choose a route that gets around the problem.</p>",
            ),
            (
                "callout",
                {
                    "tone": "warning",
                    "title": "See a doctor about nerve symptoms",
                    "text": "<p>Numbness, tingling, balance problems or changes in your vision "
                    "deserve a prompt medical assessment. Do not try to pin down the cause "
                    "yourself, and do not use any supplement, our patch included, in place of "
                    "a diagnosis.</p>",
                },
            ),
        ],
        "read_more": [
            "four-causes-of-b12-deficiency",
            "how-b12-is-absorbed",
            "sore-tongue-dry-mouth-odd-tastes",
        ],
        "references": [
            {
                "title": "Multiple sclerosis",
                "source": "NHS website",
                "url": "https://www.nhs.uk/conditions/multiple-sclerosis/",
            },
            {
                "title": "Vitamin B12 or folate deficiency anaemia",
                "source": "NHS website",
                "url": NHS_B12,
            },
            {
                "title": "Vitamin B12: Fact Sheet for Health Professionals",
                "source": "NIH Office of Dietary Supplements",
                "url": ODS_B12,
            },
            {
                "title": "Studies of vitamin B12 status in multiple sclerosis",
                "source": "PubMed search",
                "url": "https://pubmed.ncbi.nlm.nih.gov/?term=vitamin+b12+multiple+sclerosis",
            },
        ],
    },
    # ------------------------------------------------------------------ 2
    {
        "slug": "vitamin-b12-and-bone-health",
        "title": "Vitamin B12 and your bones: what research says about osteoporosis",
        "date": date(2011, 11, 7),
        "author": "Dana Whitfield",
        "intro": (
            "Calcium and vitamin D get most of the attention when people talk about strong bones. "
            "A number of studies suggest vitamin B12 belongs in that conversation too."
        ),
        "tags": ["What is B12 deficiency", "osteoporosis", "bone health"],
        "header_image": "bones",
        "header_image_alt": "Illustration of a thigh bone on a pale gray background",
        "body": [
            (
                "paragraph",
                "<p>Bone is living tissue. All through life, old bone is broken down and new "
                "bone laid in its place, and as we get older the balance tips towards loss. "
                "When bones lose so much density that they become fragile, the condition is "
                "called osteoporosis, and a fall that once meant a bruise can mean a broken "
                "hip or wrist.</p>",
            ),
            ("heading", {"text": "Why bones thin with age", "level": "h2"}),
            (
                "paragraph",
                "<p>Many things speed up bone loss. Some come with age, some are habits, and "
                "some are about nutrition:</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "The gut absorbs calcium less efficiently as the years go by",
                        "Estrogen falls in women after menopause, and testosterone falls in men",
                        "Thyroid disorders can disturb the turnover of bone",
                        "Smoking and heavy drinking both harm bone",
                        "Diets that supply too little calcium, vitamin D or vitamin B12",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "How people end up short of B12", "level": "h2"}),
            (
                "paragraph",
                "<p>Vitamin B12 comes from animal foods: meat, fish, poultry, eggs and milk. A "
                "diet with little of these can leave someone short. Just as often, though, the "
                "trouble lies with absorption rather than intake "
                "[cite:key:b12-deficiency-review]. Common reasons include:</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "No intrinsic factor, the stomach protein B12 needs in order to be "
                        "absorbed, as happens in pernicious anemia",
                        "Some medicines, notably metformin, which is widely prescribed for "
                        "type 2 diabetes",
                        "Complications after stomach surgery, such as a gastrectomy or "
                        "bariatric (weight-loss) surgery",
                        "Age itself: the stomach makes less acid over the years, and acid is "
                        "needed to free B12 from food",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "Why a long shortage matters", "level": "h2"}),
            (
                "paragraph",
                "<p>Left untreated, B12 deficiency has been linked with anemia, nerve damage, "
                "dementia, bone loss and a higher risk of heart attack and stroke. The "
                "symptoms build slowly and are easy to blame on something else. They include "
                "low mood, memory loss, anxiety and, less often, psychosis; numbness and "
                "tingling; weak muscles and stumbling; a changed sense of taste; a red, swollen "
                "tongue; and pale skin.</p>",
            ),
            (
                "image",
                {
                    "image": "bones",
                    "alt_text": "Illustration of a long bone and the hip joint",
                    "caption": "The hip is one of the places where researchers found lower bone "
                    "density in men with low vitamin B12.",
                },
            ),
            ("heading", {"text": "What the studies found", "level": "h2"}),
            ("heading", {"text": "The Framingham Osteoporosis Study", "level": "h3"}),
            (
                "paragraph",
                "<p>Researchers at Tufts University used data from the long-running Framingham "
                "study to compare blood levels of B12 with bone mineral density. Men with the "
                "lowest plasma B12 had the lowest bone density, most clearly at the hip. In "
                "women, B12 deficiency went along with low density in the spine "
                "[cite:key:framingham-bmd]. A study of "
                "this kind shows an association rather than proof that low B12 causes bone "
                "loss, but it was one of the larger pieces of work to point that way.</p>",
            ),
            ("heading", {"text": "A case report on pernicious anemia", "level": "h3"}),
            (
                "paragraph",
                "<p>Doctors have described a patient with pernicious anemia and severe "
                "osteoporosis whose bone loss was reversed after treatment with B12 together "
                "with etidronate, a bone medicine [cite:key:osteoporosis-case-report]. One case "
                "cannot tell us how often such a "
                "result would occur, yet it raised a fair question about the part B12 plays in "
                "bone.</p>",
            ),
            ("heading", {"text": "Pernicious anemia and bone density", "level": "h3"}),
            (
                "paragraph",
                "<p>A smaller study compared women past menopause who had pernicious anemia "
                "with women of the same age who did not. Bone density in the spine was "
                "clearly lower in the first group, although they absorbed calcium normally "
                "[cite:key:pernicious-anaemia-bone]. Work from the University of Michigan has "
                "also tied severe osteoporosis to pernicious anemia, adding weight to the idea "
                "that people who cannot absorb B12 may need their bones watched more "
                "closely.</p>",
            ),
            (
                "citation",
                {
                    "citation": "pernicious-anaemia-bone",
                    "note": "The spine figures in this section.",
                },
            ),
            ("heading", {"text": "Looking after your bones", "level": "h2"}),
            (
                "paragraph",
                "<p>No single nutrient builds strong bones on its own. The sensible approach is "
                "a varied diet that supplies every essential nutrient, with particular "
                "attention to calcium, vitamin D and vitamin B12, along with regular "
                "weight-bearing exercise and not smoking.</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "Eat foods that provide calcium, such as dairy products, canned fish "
                        "with soft bones, and leafy greens",
                        "Get vitamin D from sunlight, oily fish, fortified foods, or a "
                        "supplement your doctor suggests",
                        "Include sources of B12, or a supplement if you eat few animal foods",
                        "Ask your doctor about a bone density scan if you have risk factors for "
                        "osteoporosis",
                    ],
                    "ordered": False,
                },
            ),
            (
                "callout",
                {
                    "tone": "tip",
                    "title": "Ask for a blood test",
                    "text": "<p>If you suspect you may be low in B12, especially if you take "
                    "metformin, have had stomach surgery or are over 50, ask your doctor for a "
                    "blood test. Knowing your level comes first; your doctor can then advise on "
                    "the right form and dose.</p>",
                },
            ),
        ],
        "read_more": [
            "four-causes-of-b12-deficiency",
            "b12-after-weight-loss-surgery",
            "canned-foods-with-b12",
        ],
        "references": [
            {
                "title": "Studies of osteoporosis and fracture risk in pernicious anemia",
                "source": "PubMed search",
                "url": "https://pubmed.ncbi.nlm.nih.gov/?term=pernicious+anemia+osteoporosis",
            },
            {
                "title": "Vitamin B12: Fact Sheet for Health Professionals",
                "source": "NIH Office of Dietary Supplements",
                "url": ODS_B12,
            },
        ],
    },
    # ------------------------------------------------------------------ 3
    {
        "slug": "four-causes-of-b12-deficiency",
        "title": "What is vitamin B12 deficiency? The four main causes",
        "date": date(2011, 9, 20),
        "author": "The B12 Patch team",
        "intro": (
            "A vitamin B12 shortage seldom has one obvious cause. Most cases trace back to one of "
            "four problems: diet, a missing stomach protein, trouble in the gut, or medicines."
        ),
        "tags": ["What is B12 deficiency", "absorption", "diet", "pernicious anemia"],
        "header_image": "molecule",
        "header_image_alt": "Illustration of a molecule model on a blue background",
        "body": [
            (
                "paragraph",
                "<p>Vitamin B12, also called cobalamin, is a water-soluble vitamin the body "
                "needs to make red blood cells, keep nerves working and copy DNA whenever "
                "cells divide. The liver keeps a generous reserve, often enough for several "
                "years, which is why a deficiency usually creeps up slowly and can go unnoticed "
                "for a long time.</p>"
                "<p>When the reserve finally runs down, the signs tend to be vague: tiredness, "
                "breathlessness, pale skin, pins and needles, a sore tongue, low mood or a "
                "poor memory. Knowing the usual causes helps you judge whether you might be at "
                "risk and what to ask your doctor.</p>",
            ),
            (
                "image",
                {
                    "image": "molecule",
                    "alt_text": "Illustration of atoms joined by bonds in a molecule model",
                    "caption": "Cobalamin is one of the largest vitamins, built around a single "
                    "atom of cobalt.",
                },
            ),
            ("heading", {"text": "1. Not enough B12 in the diet", "level": "h2"}),
            (
                "paragraph",
                "<p>Plants do not make vitamin B12. Bacteria do, and it reaches our plates "
                "mainly through animal foods: meat, fish, shellfish, eggs and dairy. People on "
                "a vegan diet, and vegetarians who eat few eggs or dairy products, are at risk "
                "unless they use fortified foods or a supplement. Very limited diets, such as "
                "those of some older people who have lost their appetite, can fall short "
                "too [cite:key:ods-b12-fact-sheet].</p>",
            ),
            (
                "heading",
                {"text": "2. Pernicious anemia and missing intrinsic factor", "level": "h2"},
            ),
            (
                "paragraph",
                "<p>To absorb B12, the body needs intrinsic factor, a protein made by cells in "
                "the stomach lining. In pernicious anemia the immune system attacks those "
                "cells, or intrinsic factor itself, so little or no B12 gets in however much "
                "is eaten. Pernicious anemia is among the most common causes of serious B12 "
                "deficiency in older adults [cite:key:b12-deficiency-review, "
                "key:pernicious-anemia-review]. It often runs in families and appears alongside "
                "other autoimmune conditions, such as thyroid disease and type 1 "
                "diabetes.</p>",
            ),
            ("heading", {"text": "3. Problems in the stomach and intestine", "level": "h2"}),
            (
                "paragraph",
                "<p>Even when intrinsic factor is present, B12 has to be freed from food by "
                "stomach acid and then taken up at the far end of the small intestine, the "
                "ileum. Anything that interrupts this path can cause a shortage:</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "Low stomach acid, which becomes more common with age",
                        "Surgery that removes or bypasses part of the stomach, including "
                        "weight-loss operations",
                        "Surgery that removes part of the ileum",
                        "Crohn’s disease affecting the ileum, and celiac disease",
                        "Overgrowth of bacteria in the small intestine, and certain tapeworm "
                        "infections",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "4. Medicines that interfere with B12", "level": "h2"}),
            (
                "paragraph",
                "<p>Several everyday medicines can lower B12 levels when taken for a long "
                "time. Metformin, prescribed for type 2 diabetes, is the best known "
                "[cite:key:metformin-b12]. Drugs that "
                "reduce stomach acid, such as proton pump inhibitors and H2 blockers, can make "
                "it harder to release B12 from food. Repeated exposure to nitrous oxide, the "
                "anesthetic sometimes called laughing gas, can inactivate the B12 already in "
                "the body.</p>"
                "<p>Never stop a prescribed medicine on your own. If you take one of these, ask "
                "your doctor whether your B12 should be checked.</p>",
            ),
            (
                "citation",
                {
                    "citation": "metformin-b12",
                    "note": "A four-year trial in people with type 2 diabetes.",
                },
            ),
            ("heading", {"text": "Who should think about a test", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "People who eat no animal foods, or very few",
                        "Adults over 50",
                        "Anyone with pernicious anemia in the family or another autoimmune "
                        "condition",
                        "People who have had stomach or bowel surgery",
                        "Long-term users of metformin or acid-reducing medicines",
                        "Anyone with unexplained tiredness, numbness or tingling",
                    ],
                    "ordered": False,
                },
            ),
            (
                "paragraph",
                "<p>Testing is straightforward. A blood test measures your B12 level, and if "
                "the result is borderline your doctor may add tests for anemia and folate, or "
                "for markers such as methylmalonic acid, to get a clearer picture.</p>",
            ),
            (
                "callout",
                {
                    "tone": "info",
                    "title": "Where the patch fits",
                    "text": "<p>B12 Patch is a vitamin B12 supplement worn on the skin. It is a "
                    "dietary supplement, not a medicine. If you have been diagnosed with a "
                    "deficiency or with pernicious anemia, follow the treatment your doctor "
                    "prescribes and talk to them before adding any supplement.</p>",
                },
            ),
        ],
        "read_more": [
            "how-b12-is-absorbed",
            "b12-for-vegans-and-vegetarians",
            "b12-deficiency-or-multiple-sclerosis",
        ],
        "references": [
            {
                "title": "Vitamin B12 or folate deficiency anaemia",
                "source": "NHS website",
                "url": NHS_B12,
            },
            {
                "title": "Vitamin B12",
                "source": "MedlinePlus, US National Library of Medicine",
                "url": "https://medlineplus.gov/vitaminb12.html",
            },
        ],
    },
    # ------------------------------------------------------------------ 4
    {
        "slug": "how-b12-is-absorbed",
        "title": "From plate to bloodstream: how your gut absorbs vitamin B12",
        "date": date(2011, 10, 4),
        "author": "The B12 Patch team",
        "intro": (
            "Vitamin B12 takes one of the most roundabout routes of any nutrient, relying on the "
            "stomach, the pancreas and the far end of the small intestine. A hitch at any step "
            "can leave you short."
        ),
        "tags": ["absorption", "pernicious anemia", "older adults"],
        "header_image": "stomach",
        "header_image_alt": "Illustration of the stomach and small intestine",
        "body": [
            (
                "paragraph",
                "<p>Most vitamins slip into the blood with little fuss. Vitamin B12 is "
                "different. It is a large molecule, we eat it in tiny amounts, and it needs a "
                "chain of escorts to travel from food to the cells that use it. Following that "
                "journey step by step explains why so many different health problems can end "
                "in the same deficiency.</p>",
            ),
            ("heading", {"text": "Step 1: mouth and stomach", "level": "h2"}),
            (
                "paragraph",
                "<p>In food, B12 is tightly bound to proteins. Chewing mixes it with saliva, "
                "which carries a binding protein called haptocorrin (also known as R-protein). "
                "In the stomach, hydrochloric acid and the enzyme pepsin break the food "
                "proteins apart and release the vitamin, which haptocorrin promptly picks up, "
                "shielding it from the acid.</p>"
                "<p>Meanwhile, parietal cells in the stomach lining release two things that "
                "matter here: the acid itself, and <b>intrinsic factor</b>, the protein B12 "
                "will need further down the line [cite:key:b12-deficiency-review].</p>",
            ),
            (
                "image",
                {
                    "image": "stomach",
                    "alt_text": "Illustration of the stomach leading into the small intestine",
                    "caption": "The stomach frees B12 from food and makes intrinsic factor; the "
                    "ileum, at the end of the small intestine, takes it in.",
                },
            ),
            ("heading", {"text": "Step 2: the duodenum", "level": "h2"}),
            (
                "paragraph",
                "<p>When the mixture reaches the duodenum, the first stretch of the small "
                "intestine, enzymes from the pancreas digest haptocorrin. The freed B12 now "
                "attaches to intrinsic factor, and the pair moves on together through the "
                "small intestine.</p>",
            ),
            ("heading", {"text": "Step 3: the ileum", "level": "h2"}),
            (
                "paragraph",
                "<p>The last section of the small intestine, the ileum, has receptors that "
                "recognize B12 bound to intrinsic factor. The cells lining the ileum take the "
                "pair in, and B12 passes into the bloodstream, where another protein, "
                "transcobalamin, carries it to the tissues. Whatever is not needed straight "
                "away is stored, mostly in the liver.</p>"
                "<p>This route is slow and has a limited capacity: only a few micrograms can "
                "be absorbed this way from a single meal.</p>",
            ),
            ("heading", {"text": "The side door: passive absorption", "level": "h2"}),
            (
                "paragraph",
                "<p>A small fraction of B12, roughly one percent of a dose, crosses the gut wall "
                "without any help from intrinsic factor. With the tiny amounts in food this "
                "hardly matters. With large doses it adds up, which is why doctors sometimes "
                "prescribe high-dose tablets even to people who lack intrinsic factor "
                "[cite:key:ods-b12-fact-sheet].</p>",
            ),
            ("heading", {"text": "Where things go wrong", "level": "h2"}),
            (
                "comparison_table",
                {
                    "caption": "The steps of B12 absorption and what can disrupt them",
                    "left_heading": "Step",
                    "right_heading": "What can get in the way",
                    "rows": [
                        {
                            "left": "Taking in enough B12",
                            "right": "A diet with few or no animal foods",
                        },
                        {
                            "left": "Freeing B12 from food with stomach acid",
                            "right": "An aging stomach lining, long-term acid-reducing "
                            "medicines, stomach surgery",
                        },
                        {
                            "left": "Making intrinsic factor",
                            "right": "Pernicious anemia, removal of part or all of the stomach",
                        },
                        {
                            "left": "Releasing B12 in the duodenum",
                            "right": "Poor pancreatic function, surgery that bypasses the duodenum",
                        },
                        {
                            "left": "Uptake in the ileum",
                            "right": "Crohn’s disease, removal of the ileum, bacterial "
                            "overgrowth, metformin",
                        },
                    ],
                },
            ),
            (
                "paragraph",
                "<p>Because the body holds several years’ worth of B12 in reserve, a problem at "
                "any of these steps may take a long time to show. In pernicious anemia the stomach "
                "makes no intrinsic factor, so the ileum has nothing to recognize "
                "[cite:key:pernicious-anemia-review], and long-term "
                "metformin has been linked with falling B12 levels "
                "[cite:key:metformin-b12].</p>",
            ),
            ("heading", {"text": "What this means for you", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "If you have one of the conditions above or take one of the medicines, "
                        "ask your doctor whether your B12 level should be checked",
                        "If you lack intrinsic factor, eating more B12-rich food will not close "
                        "the gap; your doctor will recommend a route that works for you",
                        "Vegans and vegetarians should rely on fortified foods or a supplement",
                        "Adults over 50 often absorb the free B12 in fortified foods and "
                        "supplements more easily than the protein-bound B12 in food",
                    ],
                    "ordered": False,
                },
            ),
            (
                "callout",
                {
                    "tone": "info",
                    "title": "Why we make a patch",
                    "text": "<p>B12 Patch is a vitamin B12 supplement worn on the skin, for "
                    "people who would rather not swallow another tablet. It is a supplement, "
                    "not a treatment. If you have been diagnosed with an absorption problem, "
                    "ask your doctor how you should take B12.</p>",
                },
            ),
        ],
        "read_more": [
            "four-causes-of-b12-deficiency",
            "b12-after-weight-loss-surgery",
        ],
        "references": [
            {
                "title": "Research on intrinsic factor and vitamin B12 absorption",
                "source": "PubMed search",
                "url": "https://pubmed.ncbi.nlm.nih.gov/?term=intrinsic+factor+vitamin+b12+"
                "absorption+ileum",
            },
            {
                "title": "Vitamin B12 or folate deficiency anaemia",
                "source": "NHS website",
                "url": NHS_B12,
            },
        ],
    },
    # ------------------------------------------------------------------ 5
    {
        "slug": "sore-tongue-dry-mouth-odd-tastes",
        "title": "Sore or burning tongue, dry mouth and odd tastes: could it be B12?",
        "date": date(2012, 3, 8),
        "author": "Marcus Ellery",
        "intro": (
            "Your mouth can be one of the first places a vitamin B12 shortage shows itself. "
            "Here is what to look for, what else might be to blame, and when to get checked."
        ),
        "tags": ["What is B12 deficiency", "symptoms", "oral health"],
        "header_image": "tongue",
        "header_image_alt": "Illustration of an open mouth with a red tongue",
        "body": [
            (
                "paragraph",
                "<p>The lining of the mouth and the surface of the tongue renew themselves "
                "quickly, so they depend on a steady supply of the nutrients cells need in "
                "order to divide. Vitamin B12 is one of them. When B12 runs low, the mouth may "
                "change before other symptoms appear, and a dentist is sometimes the first "
                "person to raise the question.</p>",
            ),
            ("heading", {"text": "A smooth, red, sore tongue", "level": "h2"}),
            (
                "paragraph",
                "<p>The medical term for an inflamed tongue is glossitis. With B12 deficiency "
                "the tongue often turns a deep, beefy red, swells a little and looks "
                "unusually smooth and glossy, because the tiny bumps on its surface, the "
                "papillae, flatten out. It may feel tender, particularly with hot, spicy or "
                "acidic food.</p>",
            ),
            (
                "image",
                {
                    "image": "tongue",
                    "alt_text": "Illustration of a tongue in an open mouth",
                    "caption": "A smooth, red, tender tongue is one sign a doctor or dentist may "
                    "look at when checking for a B12 shortage.",
                },
            ),
            ("heading", {"text": "A burning mouth", "level": "h2"}),
            (
                "paragraph",
                "<p>Some people describe a burning or scalded feeling on the tongue, lips or "
                "roof of the mouth, even though nothing looks wrong. A burning mouth has many "
                "possible causes; low B12, iron or folate are among those a doctor will want to "
                "rule out.</p>",
            ),
            ("heading", {"text": "Dry mouth and strange tastes", "level": "h2"}),
            (
                "paragraph",
                "<p>A dry mouth more often comes from medicines, not drinking enough, breathing "
                "through the mouth, or conditions such as diabetes or Sjögren’s syndrome than "
                "from a vitamin shortage, but it frequently turns up alongside the other mouth "
                "symptoms. Changes in taste, such as a metallic or bitter flavor, or food that "
                "seems to taste of very little, have also been reported with B12 deficiency, "
                "perhaps because many taste buds sit on the papillae that glossitis "
                "flattens.</p>",
            ),
            ("heading", {"text": "Other mouth signs", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Cracks or sores at the corners of the mouth",
                        "Mouth ulcers that keep coming back",
                        "Pale gums or lips, which can be a sign of anemia",
                        "Tingling or numbness of the tongue or lips",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "Other possible causes", "level": "h2"}),
            (
                "paragraph",
                "<p>None of these signs proves a B12 deficiency. Similar changes can come "
                "from:</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "Iron or folate deficiency",
                        "Oral thrush, a yeast infection",
                        "Reactions to toothpaste, mouthwash or certain foods",
                        "Acid reflux",
                        "Burning mouth syndrome, in which no underlying cause is found",
                        "Side effects of medicines",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "What to do", "level": "h2"}),
            (
                "paragraph",
                "<p>If your tongue stays sore, red or smooth for more than a couple of weeks, or "
                "your mouth burns for no clear reason, see your doctor or dentist. A blood test "
                "can check your B12, folate and iron levels and look for anemia. If a "
                "deficiency turns up, your doctor will explain how to correct it and will look "
                "for the reason it happened, because the cause matters as much as the "
                "shortage itself.</p>"
                "<p>Meanwhile, be kind to a sore mouth. Soft, lukewarm foods, a mild "
                "toothpaste without strong flavors, and plenty of water can make meals more "
                "comfortable, while alcohol, tobacco and very spicy or acidic foods tend to "
                "make soreness worse.</p>",
            ),
            (
                "callout",
                {
                    "tone": "tip",
                    "title": "Keep a note before your appointment",
                    "text": "<p>Write down when the symptoms started, what makes them better or "
                    "worse, which medicines you take and what you usually eat. It helps your "
                    "doctor find the cause sooner.</p>",
                },
            ),
        ],
        "read_more": [
            "four-causes-of-b12-deficiency",
            "b12-deficiency-or-multiple-sclerosis",
        ],
        "references": [
            {
                "title": "Vitamin B12 or folate deficiency anaemia",
                "source": "NHS website",
                "url": NHS_B12,
            },
            {
                "title": "Burning mouth syndrome",
                "source": "NHS website",
                "url": "https://www.nhs.uk/conditions/burning-mouth-syndrome/",
            },
            {
                "title": "Reports on glossitis and oral signs of vitamin B12 deficiency",
                "source": "PubMed search",
                "url": "https://pubmed.ncbi.nlm.nih.gov/?term=glossitis+vitamin+b12+deficiency",
            },
        ],
    },
    # ------------------------------------------------------------------ 6
    {
        "slug": "b12-after-weight-loss-surgery",
        "title": "Vitamin B12 after weight-loss surgery",
        "date": date(2012, 5, 15),
        "author": "Marcus Ellery",
        "intro": (
            "Bariatric surgery changes how the stomach and gut handle food, and vitamin B12 is "
            "one of the nutrients most affected. Keeping an eye on it is part of life after the "
            "operation."
        ),
        "tags": ["What is B12 deficiency", "bariatric surgery", "absorption"],
        "header_image": "stomach",
        "header_image_alt": "Illustration of the stomach and intestine on a rose background",
        "body": [
            (
                "paragraph",
                "<p>Weight-loss (bariatric) surgery can change a person’s health for the "
                "better, but it also changes the route food takes through the body. Vitamin "
                "B12 depends on the stomach more than most nutrients do, so running short of it "
                "is one of the best-known long-term effects of these operations.</p>",
            ),
            ("heading", {"text": "Why surgery affects B12", "level": "h2"}),
            (
                "paragraph",
                "<p>Absorbing B12 takes three things: stomach acid to free it from food, "
                "intrinsic factor made by the stomach lining, and a healthy ileum at the end of "
                "the small intestine to take it in. Bariatric operations interfere with the "
                "first two.</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "Gastric bypass (Roux-en-Y) creates a small pouch and routes food past "
                        "most of the stomach and the duodenum, so far less acid and intrinsic "
                        "factor meet the food",
                        "Sleeve gastrectomy removes a large part of the stomach, including many "
                        "of the cells that make acid and intrinsic factor",
                        "Smaller meals, and intolerance of foods such as red meat, can reduce "
                        "how much B12 is eaten",
                        "Acid-reducing medicines, often prescribed after surgery, may lower "
                        "absorption further",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "Why it can take years to show", "level": "h2"}),
            (
                "paragraph",
                "<p>The liver keeps a store of B12 that can last several years. After surgery "
                "that store slowly drains, and a deficiency may not appear until two, three or "
                "more years later, long after follow-up visits have become less frequent. That "
                "delay is why surgical teams stress checks for life.</p>",
            ),
            (
                "image",
                {
                    "image": "calendar",
                    "alt_text": "Illustration of a calendar page with marked days",
                    "caption": "B12 stores can take years to run down, so regular checks "
                    "matter long after the operation.",
                },
            ),
            ("heading", {"text": "Signs to watch for", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Tiredness and shortness of breath",
                        "Pins and needles or numbness in the hands and feet",
                        "Unsteady walking",
                        "A sore, red tongue",
                        "Low mood, irritability or a poor memory",
                    ],
                    "ordered": False,
                },
            ),
            (
                "paragraph",
                "<p>These can build so gradually that they are mistaken for the normal ups and "
                "downs of recovery. Mention them to your care team rather than waiting for the "
                "next scheduled visit.</p>",
            ),
            ("heading", {"text": "How B12 is usually managed", "level": "h2"}),
            (
                "paragraph",
                "<p>Most bariatric programs advise taking B12 for life, starting soon after "
                "surgery, together with regular blood tests. Because absorption through the "
                "stomach is reduced, your team may suggest B12 injections, high-dose tablets, "
                "tablets that dissolve under the tongue, or a nasal spray. The right choice "
                "depends on the operation you had, your blood results and your own "
                "preferences.</p>",
            ),
            (
                "image",
                {
                    "image": "chart",
                    "alt_text": "Illustration of a bar chart of test results",
                    "caption": "Blood tests at regular intervals show whether your B12 plan is "
                    "keeping your level where it should be.",
                },
            ),
            (
                "callout",
                {
                    "tone": "warning",
                    "title": "Follow your surgical team’s plan",
                    "text": "<p>After bariatric surgery, your surgeon, dietitian and doctor set "
                    "your supplement plan. Do not swap a prescribed B12 treatment for any "
                    "over-the-counter product, B12 Patch included, without asking them first, "
                    "and keep up with your blood tests.</p>",
                },
            ),
            ("heading", {"text": "Questions to ask at your next appointment", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "When was my B12 level last checked, and what was the result?",
                        "Which form and dose of B12 should I be taking?",
                        "How often should my blood be tested from now on?",
                        "Which symptoms should make me call you before my next visit?",
                    ],
                    "ordered": True,
                },
            ),
        ],
        "read_more": [
            "how-b12-is-absorbed",
            "four-causes-of-b12-deficiency",
            "vitamin-b12-and-bone-health",
        ],
        "references": [
            {
                "title": "Vitamin B12: Fact Sheet for Health Professionals",
                "source": "NIH Office of Dietary Supplements",
                "url": ODS_B12,
            },
            {
                "title": "Studies of vitamin B12 deficiency after bariatric surgery",
                "source": "PubMed search",
                "url": "https://pubmed.ncbi.nlm.nih.gov/?term=vitamin+b12+deficiency+"
                "bariatric+surgery",
            },
            {
                "title": "Vitamin B12 or folate deficiency anaemia",
                "source": "NHS website",
                "url": NHS_B12,
            },
        ],
    },
    # ------------------------------------------------------------------ 7
    {
        "slug": "canned-foods-with-b12",
        "title": "Canned foods that contain vitamin B12",
        "date": date(2012, 7, 10),
        "author": "The B12 Patch team",
        "intro": (
            "A well-stocked pantry can help you get your B12. Many canned foods, from clams to "
            "sardines, are good sources, keep for months and need no cooking."
        ),
        "tags": ["diet", "food sources"],
        "header_image": "food",
        "header_image_alt": "Illustration of cans and a plate of food on an orange background",
        "body": [
            (
                "paragraph",
                "<p>Fresh food is not the only way to eat well. Canned fish, meat and milk keep "
                "their vitamin B12 well through processing, are usually affordable, and can sit "
                "in the cupboard for months. For people who shop only now and then, cook for "
                "one, or simply want a quick lunch, they are a practical way to get this "
                "nutrient.</p>"
                "<p>Adults need about 2.4 micrograms of B12 a day, according to the US "
                "National Institutes of Health. Many canned foods supply that much in a single "
                "portion, and a few supply far more.</p>",
            ),
            ("heading", {"text": "Canned seafood", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Clams: among the richest sources of B12 of any food; a small serving "
                        "can provide many times the daily amount",
                        "Sardines: a good source that also brings calcium from their soft bones, "
                        "and omega-3 fats",
                        "Mackerel and herring: oily fish with generous amounts of B12",
                        "Salmon: a good source, with edible bones that add calcium",
                        "Tuna: light tuna supplies a useful share of the daily amount in a "
                        "typical serving",
                        "Crab and oysters: both contain B12, and oysters are especially rich in it",
                    ],
                    "ordered": False,
                },
            ),
            (
                "image",
                {
                    "image": "food",
                    "alt_text": "Illustration of tins of fish next to a plate",
                    "caption": "Canned fish and shellfish are some of the easiest B12 sources "
                    "to keep in the cupboard.",
                },
            ),
            ("heading", {"text": "Canned meat and dairy", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Corned beef and other canned beef",
                        "Canned chicken and ham, which contain smaller amounts",
                        "Evaporated and condensed milk, handy in cooking and hot drinks",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "What about canned vegetables and beans?", "level": "h2"}),
            (
                "paragraph",
                "<p>Beans, tomatoes, corn and other plant foods, canned or fresh, do not "
                "naturally contain B12. Some canned soups and ready meals do, because they "
                "include meat or dairy, so check the label. If you eat a plant-based diet, "
                "fortified foods such as some plant milks, breakfast cereals and nutritional "
                "yeast, or a supplement, are more dependable sources.</p>",
            ),
            ("heading", {"text": "Choosing and storing canned foods", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Read the nutrition label: B12 is often shown as a percentage of the "
                        "Daily Value",
                        "Pick fish packed in water or olive oil if you are watching saturated fat",
                        "Look for reduced-salt versions, or rinse foods where that makes sense",
                        "Eat the soft bones in salmon and sardines for extra calcium",
                        "Keep cans somewhere cool and dry, and throw out any that bulge, leak "
                        "or are badly dented",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "Five-minute ideas", "level": "h2"}),
            (
                "paragraph",
                "<p>Mash sardines onto wholegrain toast with a squeeze of lemon. Stir clams "
                "into a tomato sauce for pasta. Toss tuna or salmon with white beans, red onion "
                "and parsley for a filling salad. Whisk a little evaporated milk into mashed "
                "potatoes or soup in place of cream. Fold flaked mackerel into scrambled eggs "
                "for a breakfast that covers your B12 for the day.</p>"
                "<p>Canned foods also suit anyone who finds shopping or cooking tiring, which "
                "is worth remembering for older relatives living alone: a few cans of fish and "
                "a carton of evaporated milk make it easier to keep B12 in a simple diet.</p>",
            ),
            (
                "callout",
                {
                    "tone": "info",
                    "title": "When food is not enough",
                    "text": "<p>If you have pernicious anemia, have had stomach surgery or take "
                    "medicines that affect B12, food alone may not keep your level up, however "
                    "much of it you eat. Ask your doctor about a blood test and the best way for "
                    "you to get B12.</p>",
                },
            ),
        ],
        "read_more": [
            "b12-for-vegans-and-vegetarians",
            "vitamin-b12-and-bone-health",
        ],
        "references": [
            {
                "title": "Vitamin B12: Fact Sheet for Health Professionals (food sources table)",
                "source": "NIH Office of Dietary Supplements",
                "url": ODS_B12,
            },
            {
                "title": "FoodData Central",
                "source": "US Department of Agriculture",
                "url": "https://fdc.nal.usda.gov/",
            },
            {
                "title": "Vitamin B12: Fact Sheet for Consumers",
                "source": "NIH Office of Dietary Supplements",
                "url": ODS_B12_CONSUMER,
            },
        ],
    },
    # ------------------------------------------------------------------ 8
    {
        "slug": "pregnancy-and-b12",
        "title": "Pregnancy and vitamin B12: what expectant mothers should know",
        "date": date(2012, 10, 2),
        "author": "Dana Whitfield",
        "intro": (
            "Your need for vitamin B12 rises a little during pregnancy and breastfeeding. Here "
            "is why it matters, who is most likely to run short, and what to discuss with your "
            "midwife or doctor."
        ),
        "tags": ["What is B12 deficiency", "pregnancy", "diet"],
        "header_image": "leaf",
        "header_image_alt": "Illustration of green leaves on a pale green background",
        "body": [
            (
                "paragraph",
                "<p>In pregnancy your body builds a new person from scratch, and that takes an "
                "enormous amount of cell division. Vitamin B12 works hand in hand with folate "
                "to make DNA, and it helps form red blood cells and the growing nervous "
                "system. It is no surprise, then, that the recommended amount goes up.</p>",
            ),
            ("heading", {"text": "How much you need", "level": "h2"}),
            (
                "comparison_table",
                {
                    "caption": "Recommended daily vitamin B12 (US National Institutes of Health)",
                    "left_heading": "Stage of life",
                    "right_heading": "Amount per day",
                    "rows": [
                        {"left": "Adults", "right": "2.4 micrograms"},
                        {"left": "Pregnancy", "right": "2.6 micrograms"},
                        {"left": "Breastfeeding", "right": "2.8 micrograms"},
                    ],
                },
            ),
            (
                "paragraph",
                "<p>A varied diet that includes meat, fish, eggs or dairy usually covers this, "
                "and most prenatal vitamins contain B12 as well.</p>"
                "<p>Blood levels of B12 tend to drift down during a healthy pregnancy, partly "
                "because blood volume expands, so a single low-looking result is not always a "
                "sign of deficiency. Your midwife or doctor will read your results in that "
                "light and may repeat a test or add others before deciding whether you need "
                "more B12.</p>",
            ),
            ("heading", {"text": "Why B12 matters for mother and baby", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "B12 and folate are both needed to make DNA while cells divide rapidly",
                        "B12 supports the normal development of the baby’s brain and nervous "
                        "system",
                        "It helps the mother’s body make the extra red blood cells pregnancy "
                        "calls for",
                        "Studies have linked low B12 in early pregnancy with a higher risk of "
                        "neural tube defects, although folate remains the best-known nutrient "
                        "in this area",
                    ],
                    "ordered": False,
                },
            ),
            (
                "image",
                {
                    "image": "leaf",
                    "alt_text": "Illustration of fresh green leaves",
                    "caption": "Leafy greens supply folate, B12’s partner in making DNA; B12 "
                    "itself comes from animal foods, fortified foods or supplements.",
                },
            ),
            ("heading", {"text": "Who is more likely to run short", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Women who eat a vegan diet, or a vegetarian diet with few eggs and "
                        "dairy products",
                        "Women with pernicious anemia, celiac disease or Crohn’s disease",
                        "Women who have had weight-loss surgery",
                        "Women taking metformin, which is sometimes prescribed in pregnancy",
                        "Women with severe sickness who struggle to eat for weeks at a time",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "Breastfed babies", "level": "h2"}),
            (
                "paragraph",
                "<p>A baby is born with a small store of B12 and then relies on breast milk or "
                "formula. If a breastfeeding mother is deficient, her milk may carry too little, "
                "and her baby can become deficient within months. Signs in infants include poor "
                "feeding, unusual sleepiness, floppiness and slow development. This is rare, "
                "but it is a good reason for vegan mothers in particular to keep up their B12 "
                "and to mention their diet to the baby’s doctor.</p>",
            ),
            ("heading", {"text": "Talk to your midwife or doctor", "level": "h2"}),
            (
                "paragraph",
                "<p>Before you start any supplement in pregnancy, a B12 supplement included, "
                "check with your midwife, obstetrician or doctor. They can look at your diet "
                "and history, order a blood test if needed, and make sure your prenatal vitamin "
                "and any extra supplement fit together sensibly. If you were already taking B12 "
                "before you became pregnant, mention that too.</p>",
            ),
            (
                "callout",
                {
                    "tone": "warning",
                    "title": "Using B12 Patch in pregnancy",
                    "text": "<p>Do not use B12 Patch while pregnant or breastfeeding unless your "
                    "doctor or midwife has agreed. Many prenatal vitamins already contain B12, "
                    "and your care team can tell you whether you need more.</p>",
                },
            ),
        ],
        "read_more": [
            "b12-for-vegans-and-vegetarians",
            "four-causes-of-b12-deficiency",
        ],
        "references": [
            {
                "title": "Vitamin B12: Fact Sheet for Health Professionals",
                "source": "NIH Office of Dietary Supplements",
                "url": ODS_B12,
            },
            {
                "title": "Vitamins, supplements and nutrition in pregnancy",
                "source": "NHS website",
                "url": "https://www.nhs.uk/pregnancy/keeping-well/vitamins-supplements-and-"
                "nutrition/",
            },
            {
                "title": "Studies of maternal vitamin B12 and neural tube defects",
                "source": "PubMed search",
                "url": "https://pubmed.ncbi.nlm.nih.gov/?term=maternal+vitamin+b12+neural+tube+"
                "defects",
            },
        ],
    },
    # ------------------------------------------------------------------ 9
    {
        "slug": "b12-for-vegans-and-vegetarians",
        "title": "Vitamin B12 for vegans and vegetarians",
        "date": date(2013, 2, 19),
        "author": "Marcus Ellery",
        "intro": (
            "Plant-based diets have a lot going for them, but vitamin B12 is the one nutrient "
            "they cannot supply on their own. Here is how to make sure you get enough."
        ),
        "tags": ["What is B12 deficiency", "vegan", "diet"],
        "header_image": "leaf",
        "header_image_alt": "Illustration of leaves on a light green background",
        "body": [
            (
                "paragraph",
                "<p>Whether you gave up meat for ethical, environmental or health reasons, a "
                "well-planned plant-based diet can provide almost everything your body needs. "
                "Vitamin B12 is the notable exception. Dietitians who support vegan eating "
                "agree on this point: vegans need a reliable source of B12 from fortified foods "
                "or a supplement.</p>",
            ),
            ("heading", {"text": "Why plants do not provide B12", "level": "h2"}),
            (
                "paragraph",
                "<p>Vitamin B12 is made only by certain microbes. Animals obtain it from "
                "microbes in their gut or their food and store it in their tissues, which is "
                "why meat, fish, eggs and milk contain it. Plants neither need nor make B12. "
                "Any traces on unwashed vegetables come from soil bacteria and are far too "
                "small and unpredictable to count on.</p>",
            ),
            ("heading", {"text": "Foods that are not reliable sources", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Spirulina and other algae supplements, which contain mostly inactive "
                        "look-alikes of B12",
                        "Nori and other seaweeds, whose B12 content varies widely",
                        "Fermented foods such as tempeh and miso, which hold little or no active "
                        "B12",
                        "Mushrooms, which may carry only small traces on their surface",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "Reliable sources for vegans", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Fortified plant milks and yogurts",
                        "Fortified breakfast cereals",
                        "Fortified nutritional yeast",
                        "Fortified meat alternatives and spreads",
                        "A B12 supplement",
                    ],
                    "ordered": False,
                },
            ),
            (
                "paragraph",
                "<p>Read labels carefully. Not every product in a range is fortified, and the "
                "amount added differs between brands and countries.</p>",
            ),
            (
                "image",
                {
                    "image": "food",
                    "alt_text": "Illustration of a plate of food and containers",
                    "caption": "Fortified cereals, plant milks and nutritional yeast can all "
                    "help cover B12 on a plant-based diet.",
                },
            ),
            ("heading", {"text": "Vegetarians are not automatically covered", "level": "h2"}),
            (
                "paragraph",
                "<p>Eggs and dairy contain B12, but in modest amounts. A vegetarian who eats "
                "them every day will often get enough, while one who eats them only now and "
                "then may not. Studies have repeatedly found lower average B12 levels in "
                "vegetarians than in people who eat meat.</p>"
                "<p>Children raised on vegan or vegetarian diets need a reliable source too. "
                "Their stores are small, so ask your pediatrician about the right amount for "
                "their age.</p>",
            ),
            ("heading", {"text": "Why a shortage can go unnoticed", "level": "h2"}),
            (
                "paragraph",
                "<p>Plant-based diets tend to be rich in folate, and plenty of folate can hide "
                "the anemia that would otherwise give early warning of low B12. Meanwhile, the "
                "liver’s store can last for years after someone changes diet. Nerve symptoms "
                "such as numbness, tingling or memory trouble may therefore be the first thing "
                "you notice, so it is wiser not to wait for symptoms at all.</p>",
            ),
            ("heading", {"text": "Practical steps", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Choose at least one reliable B12 source and use it as regularly as the "
                        "label directs",
                        "Ask your doctor for a blood test if you have been vegan or vegetarian "
                        "for some years and have never been checked",
                        "Take extra care in pregnancy and while breastfeeding, and when raising "
                        "children on a vegan diet",
                        "Tell your doctor about your diet whenever you see them about tiredness "
                        "or nerve symptoms",
                    ],
                    "ordered": True,
                },
            ),
            (
                "callout",
                {
                    "tone": "info",
                    "title": "About B12 Patch",
                    "text": "<p>B12 Patch contains no animal-derived ingredients, so it can sit "
                    "alongside fortified foods in a vegan routine. Like any supplement, it is "
                    "no substitute for medical advice: if you think you may be low in B12, see "
                    "your doctor.</p>",
                },
            ),
        ],
        "read_more": [
            "canned-foods-with-b12",
            "pregnancy-and-b12",
            "four-causes-of-b12-deficiency",
        ],
        "references": [
            {
                "title": "Vitamin B12: Fact Sheet for Health Professionals",
                "source": "NIH Office of Dietary Supplements",
                "url": ODS_B12,
            },
            {
                "title": "The vegan diet",
                "source": "NHS website",
                "url": "https://www.nhs.uk/live-well/eat-well/how-to-eat-a-balanced-diet/"
                "the-vegan-diet/",
            },
            {
                "title": "Studies of vitamin B12 status in vegetarians and vegans",
                "source": "PubMed search",
                "url": "https://pubmed.ncbi.nlm.nih.gov/?term=vitamin+b12+status+vegetarians+"
                "vegans",
            },
        ],
    },
]
