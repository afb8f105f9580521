"""Demo pages for the B12 Patch demo site: home, standard pages, product, blog index, brand.

Health pages (About Vitamin B12, Product Information, Research) show the health disclaimer;
policy pages do not. Nothing here claims that B12 Patch diagnoses, treats, cures or prevents any
disease.
"""

ODS_B12 = "https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/"
NHS_B12 = "https://www.nhs.uk/conditions/vitamin-b12-or-folate-deficiency-anaemia/"
MEDLINEPLUS_B12 = "https://medlineplus.gov/vitaminb12.html"

HOME = {
    "title": "Home",
    "hero_heading": "Vitamin B12, worn on the skin",
    "hero_text": (
        "B12 Patch is a daily vitamin B12 supplement in a small, discreet patch. Put one on in "
        "the morning and get on with your day: no tablets to swallow, no water needed."
    ),
    "hero_image": "patch-hero",
    "hero_image_alt": "Illustration of a small round patch on an upper arm",
    "hero_cta_label": "Order now",
    "product_heading": "One small patch a day",
    "product_text": (
        "<p>Each B12 Patch holds vitamin B12 in a thin, flexible layer with a gentle medical "
        "adhesive. It is made for people who would rather not add another tablet to their "
        "routine.</p>"
        "<ul>"
        "<li>Vitamin B12 as methylcobalamin</li>"
        "<li>Thin, flexible and easy to hide under clothing</li>"
        "<li>Free from gluten, dairy, soy, latex and animal-derived ingredients</li>"
        "<li>Packs of 30, 90 or 180 patches</li>"
        "</ul>"
    ),
    "product_link_label": "Product information",
    "about_heading": "Why vitamin B12 matters",
    "about_text": (
        "<p>Vitamin B12 helps the body make red blood cells, supports the normal working of the "
        "nervous system and is needed to make DNA. Most of us get it from meat, fish, eggs and "
        "dairy, but vegans, adults over 50 and people taking certain medicines can find it "
        "harder to get enough. If you think you may be low, <b>ask your doctor for a blood "
        "test</b> before you reach for any supplement.</p>"
    ),
    "latest_posts_heading": "From the blog",
    "search_description": (
        "B12 Patch: a daily vitamin B12 supplement worn on the skin, with plain-language "
        "articles on vitamin B12, diet and absorption."
    ),
}

STANDARD_PAGES = [
    # ------------------------------------------------------------------ About Vitamin B12
    {
        "slug": "about-vitamin-b12",
        "title": "About Vitamin B12",
        "intro": (
            "A plain-language guide to vitamin B12: what it does, where it comes from, how much "
            "you need, and who may need to keep an eye on their levels."
        ),
        "search_description": (
            "What vitamin B12 does in the body, how much you need each day, the foods that "
            "contain it, and who is most likely to run short."
        ),
        "show_health_disclaimer": True,
        "body": [
            ("heading", {"text": "What vitamin B12 is", "level": "h2"}),
            (
                "paragraph",
                "<p>Vitamin B12, or cobalamin, is one of the eight B vitamins. It dissolves in "
                "water, yet unlike most water-soluble vitamins it can be stored, mainly in the "
                "liver, in amounts that may last several years. The name cobalamin comes from "
                "the atom of cobalt at the heart of the molecule. Supplements and fortified "
                "foods use several forms, among them cyanocobalamin, methylcobalamin, "
                "adenosylcobalamin and hydroxocobalamin.</p>",
            ),
            ("heading", {"text": "What it does in the body", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Helps the body make healthy red blood cells",
                        "Supports the normal function of the nervous system, including the "
                        "myelin that insulates nerve fibers",
                        "Is needed to make DNA, the genetic material in every cell",
                        "Takes part in releasing energy from food",
                        "Works with folate to process homocysteine, an amino acid in the blood",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "How much you need", "level": "h2"}),
            (
                "comparison_table",
                {
                    "caption": "Recommended daily vitamin B12 (US National Institutes of Health)",
                    "left_heading": "Age or stage of life",
                    "right_heading": "Amount per day",
                    "rows": [
                        {"left": "Children 1 to 3 years", "right": "0.9 micrograms"},
                        {"left": "Children 4 to 8 years", "right": "1.2 micrograms"},
                        {"left": "Children 9 to 13 years", "right": "1.8 micrograms"},
                        {"left": "Teenagers 14 and over, and adults", "right": "2.4 micrograms"},
                        {"left": "Pregnancy", "right": "2.6 micrograms"},
                        {"left": "Breastfeeding", "right": "2.8 micrograms"},
                    ],
                },
            ),
            (
                "paragraph",
                "<p>No upper limit has been set for vitamin B12, because high intakes from food "
                "and supplements have not been linked with harm in healthy people. That is not "
                "a reason to take large amounts without need; ask your doctor what suits "
                "you.</p>",
            ),
            ("heading", {"text": "Where it comes from", "level": "h2"}),
            (
                "paragraph",
                "<p>B12 occurs naturally in animal foods: meat, poultry, fish and shellfish, "
                "eggs, milk and other dairy products. Clams and liver are among the richest "
                "sources. Many breakfast cereals, plant milks and nutritional yeasts have B12 "
                "added. Plant foods do not naturally contain usable amounts.</p>",
            ),
            ("heading", {"text": "Who may run short", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Adults over 50, because the stomach makes less acid with age",
                        "Vegans, and vegetarians who eat few eggs or dairy products",
                        "People with pernicious anemia, who do not make intrinsic factor",
                        "People with Crohn’s disease, celiac disease or other gut conditions",
                        "People who have had stomach or weight-loss surgery",
                        "Long-term users of metformin or acid-reducing medicines",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "Signs of a shortage", "level": "h2"}),
            (
                "paragraph",
                "<p>A deficiency develops slowly and its signs are easy to overlook: tiredness "
                "and weakness, shortness of breath, pale skin, pins and needles, unsteady "
                "walking, a sore red tongue, mouth ulcers, low mood, memory problems and "
                "confusion. Nerve damage from a long-standing deficiency can become permanent, "
                "so it pays to act early.</p>",
            ),
            (
                "callout",
                {
                    "tone": "warning",
                    "title": "See your doctor",
                    "text": "<p>If you have any of these symptoms, or belong to one of the groups "
                    "above, ask your doctor for a blood test. Starting a supplement before you "
                    "are tested can make the result harder to read and delay finding the "
                    "cause.</p>",
                },
            ),
            (
                "paragraph",
                f'<p>To read more, see the <a href="{ODS_B12}">NIH fact sheet on vitamin '
                f'B12</a>, the <a href="{NHS_B12}">NHS guide to B12 deficiency anemia</a> and '
                f'<a href="{MEDLINEPLUS_B12}">MedlinePlus</a>.</p>',
            ),
        ],
    },
    # ------------------------------------------------------------------ Shipping & returns
    {
        "slug": "shipping-returns",
        "title": "Shipping & Return Policy",
        "intro": (
            "How we pack and send your patches, how long delivery takes, and how to return an "
            "order within 30 days."
        ),
        "search_description": (
            "B12 Patch shipping times, costs and tracking, and our 30-day return and refund policy."
        ),
        "show_health_disclaimer": False,
        "body": [
            ("heading", {"text": "Processing your order", "level": "h2"}),
            (
                "paragraph",
                "<p>We pack orders on business days, Monday to Friday. Orders placed before "
                "noon Eastern Time usually leave our warehouse the same day; later orders go "
                "out the next business day. You will receive an email with a tracking link as "
                "soon as your parcel is on its way.</p>",
            ),
            ("heading", {"text": "Delivery times and costs", "level": "h2"}),
            (
                "comparison_table",
                {
                    "caption": "Typical delivery times after dispatch",
                    "left_heading": "Shipping option",
                    "right_heading": "Typical delivery time",
                    "rows": [
                        {
                            "left": "Standard, United States",
                            "right": "3 to 7 business days; free on 3- and 6-month packs",
                        },
                        {"left": "Expedited, United States", "right": "1 to 3 business days"},
                        {"left": "Canada", "right": "7 to 14 business days"},
                        {
                            "left": "Other countries",
                            "right": "10 to 21 business days, plus any customs delay",
                        },
                    ],
                },
            ),
            (
                "paragraph",
                "<p>The shipping cost for your order is shown at checkout before you pay. "
                "Delivery times are estimates from the carrier, not guarantees; weather, "
                "holidays and customs checks can add a few days.</p>",
            ),
            ("heading", {"text": "Customs, duties and taxes", "level": "h2"}),
            (
                "paragraph",
                "<p>Orders sent outside the United States may be charged import duties or taxes "
                "by the destination country. These are set by local authorities and are the "
                "responsibility of the recipient. Some countries restrict the import of "
                "dietary supplements, so please check your local rules before ordering.</p>",
            ),
            ("heading", {"text": "Our 30-day return window", "level": "h2"}),
            (
                "paragraph",
                "<p>If B12 Patch is not right for you, you may return it within 30 days of "
                "delivery. We accept unopened packs for a full refund of the product price, and "
                "opened packs for a refund of the unused patches, provided the remaining "
                "pouches are still sealed.</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "Email hello@b12patch.example with your order number and the reason for "
                        "the return",
                        "We will reply with a return authorization and the address to send it to",
                        "Pack the patches securely, with the return authorization inside",
                        "Send the parcel using a tracked service and keep your receipt",
                    ],
                    "ordered": True,
                },
            ),
            ("heading", {"text": "Refunds", "level": "h2"}),
            (
                "paragraph",
                "<p>We refund to your original payment method within five business days of "
                "receiving your return, and email you when we do. Your bank may take a few more "
                "days to show the credit. Original shipping charges are refunded only when the "
                "return is due to our mistake. Return shipping is paid by the customer unless "
                "the item arrived damaged or wrong.</p>",
            ),
            ("heading", {"text": "Damaged, wrong or missing items", "level": "h2"}),
            (
                "paragraph",
                "<p>If your parcel arrives damaged, contains the wrong pack, or has not arrived "
                "within the delivery time shown above, email us within 14 days of the expected "
                "delivery date. A photo of any damage helps. We will send a replacement or a "
                "full refund, including shipping, at no cost to you.</p>",
            ),
            (
                "callout",
                {
                    "tone": "info",
                    "title": "Questions about an order?",
                    "text": "<p>Write to hello@b12patch.example and include your order number. "
                    "We answer on business days, usually within one working day.</p>",
                },
            ),
        ],
    },
    # ------------------------------------------------------------------ Privacy
    {
        "slug": "privacy",
        "title": "Privacy Policy",
        "intro": (
            "What information we collect when you visit our site or place an order, why we "
            "need it, how long we keep it, and the choices you have."
        ),
        "search_description": (
            "How B12 Patch collects, uses, stores and protects your personal information, and "
            "how to exercise your privacy rights."
        ),
        "show_health_disclaimer": False,
        "body": [
            (
                "paragraph",
                "<p>We are a small company and we collect only what we need to run our store. "
                "We do not sell your personal information, and we do not use advertising or "
                "tracking cookies. This policy explains the details in plain language.</p>",
            ),
            ("heading", {"text": "What we collect", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Order details: your name, shipping and billing address, email address, "
                        "an optional phone number for the carrier, and the products you buy",
                        "Payment details: handled by our payment processor; we never see or "
                        "store your full card number",
                        "Messages you send us by email or through a contact form, with the "
                        "contact details you give",
                        "Basic technical data our web server records automatically, such as "
                        "your IP address, browser type and the pages requested, kept for "
                        "security",
                    ],
                    "ordered": False,
                },
            ),
            (
                "paragraph",
                "<p>We do not ask for health information. If you choose to tell us about your "
                "health in a message, we use it only to answer you and delete it with the "
                "message.</p>",
            ),
            ("heading", {"text": "How we use it", "level": "h2"}),
            (
                "paragraph",
                "<p>We use your information to process and deliver orders, handle returns and "
                "refunds, answer your questions, keep our site secure, and meet our legal and "
                "tax obligations. We send marketing emails only if you have opted in, and every "
                "such email has a one-click unsubscribe link.</p>",
            ),
            ("heading", {"text": "Cookies", "level": "h2"}),
            (
                "paragraph",
                "<p>Our site uses only strictly necessary cookies: one that keeps your session "
                "and shopping cart while you browse, and one that protects forms against "
                "cross-site request forgery. They contain no advertising identifiers and expire "
                "when your session ends or shortly after. Because they are needed for the site "
                "to work, we do not ask for consent to set them, but you can block them in your "
                "browser, in which case checkout will not work.</p>"
                "<p>If you reach us through a partner’s referral link, and you have allowed it, "
                "a third first-party cookie remembers that partner for up to 30 days so that "
                "they are credited for your order. It holds only the partner’s code.</p>",
            ),
            ("heading", {"text": "Who we share it with", "level": "h2"}),
            (
                "paragraph",
                "<p>We share the minimum necessary with the companies that help us run the "
                "store: our payment processor, the carriers that deliver your parcel, and our "
                "hosting and email providers. Each is bound by contract to use your data only "
                "on our behalf. We may also disclose information when the law requires it.</p>",
            ),
            ("heading", {"text": "How long we keep it", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Order and invoice records: seven years, as tax law requires",
                        "Messages to our support team: two years after the conversation ends",
                        "Web server logs: 30 days",
                        "Marketing consent: until you unsubscribe",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "Your rights", "level": "h2"}),
            (
                "paragraph",
                "<p>You can ask us for a copy of the personal information we hold about you, "
                "ask us to correct it, or ask us to delete it where we are not required to keep "
                "it. You can also object to how we use it or ask for it in a portable format. "
                "Email hello@b12patch.example and we will respond within 30 days. If you are "
                "not satisfied with our answer, you may complain to the data protection "
                "authority where you live.</p>",
            ),
            ("heading", {"text": "Security and changes", "level": "h2"}),
            (
                "paragraph",
                "<p>Our site is served only over an encrypted connection, and access to "
                "customer records is limited to the staff who need it. We do not knowingly "
                "collect information from children under 13. If we change this policy, we "
                "will post the new version on this page and, for significant changes, tell "
                "customers by email.</p>",
            ),
        ],
    },
    # ------------------------------------------------------------------ Affiliates
    # An AffiliateProgramPage (core.seeding): this copy, then the figures, terms and disclosure
    # of AFFILIATE_PROGRAM below (kept in the program's settings), then the sign-up form.
    {
        "slug": "affiliates",
        "title": "Affiliate Program",
        "intro": (
            "Write about health, nutrition or plant-based living? Recommend B12 Patch to your "
            "readers and earn a commission on every order they place."
        ),
        "search_description": (
            "Join the B12 Patch affiliate program: commission on referred sales, monthly "
            "payouts, and clear rules on disclosure."
        ),
        "show_health_disclaimer": False,
        "body": [
            ("heading", {"text": "Who the program is for", "level": "h2"}),
            (
                "paragraph",
                "<p>We are looking for partners whose audiences care about everyday health: "
                "nutrition and wellness bloggers, vegan and vegetarian writers, fitness "
                "coaches, podcasters and independent health shops with an online presence. You "
                "do not need a huge following; a loyal, engaged one matters more to us.</p>",
            ),
            ("heading", {"text": "How it works", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Apply with the form on this page and a short description of your site "
                        "or channel; a person on our team reads every application",
                        "Once approved, you get a personal referral code and can turn any page "
                        "of our site into your link in your dashboard",
                        "Share your links in your articles, videos or newsletters, with the "
                        "disclosure next to them",
                        "When someone orders within the cookie window after clicking your link, "
                        "the sale is credited to you",
                        "Your dashboard shows clicks, orders and earnings day by day, the "
                        "banners you can use, and your payouts",
                    ],
                    "ordered": True,
                },
            ),
            ("heading", {"text": "Commission and payment", "level": "h2"}),
            (
                "paragraph",
                "<p>You earn the commission rate shown in the box on this page on the price of "
                "the products in each referred order, after discounts and without shipping or "
                "taxes. A commission is pending until the order is past its return period, so "
                "refunded orders are not paid; it is then approved and paid with the next "
                "payout once your approved balance reaches the threshold. Smaller balances roll "
                "over.</p>"
                "<p>When a visitor arrives through your link, our own site remembers the "
                "referral in a first-party cookie, set only where the visitor has allowed it. "
                "Nothing follows visitors around the web, and we never share their details "
                "with you: your dashboard shows dates and amounts, not names.</p>",
            ),
            ("heading", {"text": "Disclosure: telling your audience", "level": "h2"}),
            (
                "paragraph",
                "<p>US law, and the Federal Trade Commission’s guidance on endorsements, "
                "requires you to tell your audience clearly that you earn money when they buy "
                "through your link. Every affiliate must:</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "Place a plain disclosure close to the link or mention, such as the "
                        "one suggested on this page",
                        "Make the disclosure visible without clicking or scrolling, and say it "
                        "out loud in videos and podcasts",
                        "Disclose any free product you received from us",
                        "Follow the equivalent rules in your own country if you are outside the "
                        "United States",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "What affiliates may not say", "level": "h2"}),
            (
                "paragraph",
                "<p>B12 Patch is a dietary supplement. Affiliates must not claim or imply that "
                "it treats, cures or prevents any disease, must not promise results, and must "
                "not tell anyone to use it in place of treatment from their doctor. Please use "
                "only the product facts on our Product Information page, never post fake "
                "reviews, and do not bid on our brand name in paid search ads. We may end a "
                "partnership that breaks these rules and withhold commission on the orders "
                "concerned.</p>",
            ),
            (
                "callout",
                {
                    "tone": "info",
                    "title": "Ready to apply?",
                    "text": "<p>The form is at the end of this page and takes about five "
                    "minutes. Already a customer? Sign in first and join with your account. "
                    "Questions before you apply: write to hello@b12patch.example with the "
                    "subject “Affiliate program”.</p>",
                },
            ),
        ],
    },
    # ------------------------------------------------------------------ Research
    {
        "slug": "research",
        "title": "B12 Patch Research",
        "intro": (
            "The published research on vitamin B12 that our articles draw on, each source with "
            "a plain-language summary and a link to the original."
        ),
        "search_description": (
            "Summaries of published studies on vitamin B12, bone health, nerve health and "
            "absorption, with links to the original sources."
        ),
        "show_health_disclaimer": True,
        "body": [
            (
                "callout",
                {
                    "tone": "info",
                    "title": "Please read first",
                    "text": "<p>The studies below are about vitamin B12 in general. None of "
                    "them tested B12 Patch, and none should be read as a claim about what our "
                    "product does. They are here to help you understand the vitamin and to "
                    "have better-informed conversations with your doctor.</p>",
                },
            ),
            ("heading", {"text": "How to read these studies", "level": "h2"}),
            (
                "paragraph",
                "<p>Most of the research below is observational: it finds that two things, "
                "such as low B12 and low bone density, tend to occur together. That is useful, "
                "but it does not prove that one causes the other. Case reports describe a "
                "single patient and show what is possible, not what is typical. Randomized "
                "trials give stronger evidence. Each source below says which kind it is, and "
                "its summary says what it looked at and how far its findings go.</p>",
            ),
            (
                "paragraph",
                "<p>Choose a topic or a type of source to narrow the list. Under each source "
                "you will find the articles on this site that cite it, and links to its "
                "record on PubMed or to the publisher through its DOI.</p>",
            ),
            ("heading", {"text": "Reference sources we rely on", "level": "h2"}),
            (
                "paragraph",
                f"<p>For recommended intakes and food sources we follow the "
                f'<a href="{ODS_B12}">NIH Office of Dietary Supplements fact sheet</a>. For '
                f'symptoms and testing we also refer to the <a href="{NHS_B12}">NHS</a> and '
                f'<a href="{MEDLINEPLUS_B12}">MedlinePlus</a>.</p>',
            ),
        ],
    },
    # ------------------------------------------------------------------ Reviews
    {
        "slug": "reviews",
        "title": "Customer Reviews",
        "intro": (
            "Honest reviews from people who have bought B12 Patch: good, mixed and critical, "
            "all published. Below them, how we collect and moderate every review."
        ),
        "search_description": (
            "Read customer reviews of B12 Patch and learn how we collect, moderate and publish "
            "every review."
        ),
        "show_health_disclaimer": False,
        "body": [
            ("heading", {"text": "Every buyer is asked", "level": "h2"}),
            (
                "paragraph",
                "<p>About two weeks after your order is delivered, we send one email asking "
                "how you are getting on with your patches and inviting you to leave a review. "
                "We send it to every customer, not just the ones we expect to be pleased. You "
                "can ignore it, and we will not send a reminder.</p>",
            ),
            ("heading", {"text": "No gating, no incentives", "level": "h2"}),
            (
                "paragraph",
                "<p>Some companies quietly filter out unhappy customers before asking for "
                "reviews. We do not. We never offer discounts, free products or prize draws in "
                "exchange for reviews, and we never ask anyone to change a rating. Reviews "
                "from our staff, their families and our affiliates are not accepted.</p>",
            ),
            ("heading", {"text": "How moderation works", "level": "h2"}),
            (
                "paragraph",
                "<p>A member of our team reads every review before it appears, usually within "
                "two business days. We publish positive, mixed and negative reviews alike. We "
                "hold back a review only when it:</p>",
            ),
            (
                "bullet_list",
                {
                    "items": [
                        "Contains abuse, hate speech or someone else’s personal details",
                        "Is spam, advertising, or clearly not about our product",
                        "States that the patch treated, cured or prevented a disease, which "
                        "we are not allowed to publish for a dietary supplement",
                    ],
                    "ordered": False,
                },
            ),
            (
                "paragraph",
                "<p>If we cannot publish your review as written, we email you to explain why "
                "and invite you to revise it. We never edit the wording of a review ourselves, "
                "apart from removing personal details.</p>",
            ),
            ("heading", {"text": "What you will see", "level": "h2"}),
            (
                "paragraph",
                "<p>Each published review shows the reviewer’s first name and initial, the "
                "star rating and the date. Reviews written from the link in our email, which "
                "only buyers receive, also show the pack bought and a “Verified buyer” label; "
                "reviews written on the site by anyone else do not. The average rating is "
                "calculated from every published review, with nothing removed for being low. "
                "If we reply to a review, our answer appears beneath it.</p>",
            ),
            (
                "callout",
                {
                    "tone": "info",
                    "title": "One person’s experience",
                    "text": "<p>Everyone’s experience with a supplement differs, and a review "
                    "is one person’s opinion, not medical advice.</p>",
                },
            ),
        ],
    },
    # ------------------------------------------------------------------ Contact
    {
        "slug": "contact",
        "title": "Contact Us",
        "intro": (
            "Questions about the patch, an order or our policies? Write to us with the form on "
            "this page and a real person will reply."
        ),
        "search_description": (
            "Contact B12 Patch with the form on this page or by email at "
            "hello@b12patch.example. We usually reply within one business day."
        ),
        "show_health_disclaimer": False,
        "body": [
            ("heading", {"text": "When we reply", "level": "h2"}),
            (
                "paragraph",
                "<p>Write to us with the form, or by email at <b>hello@b12patch.example</b>. "
                "Our small team reads every message, Monday to Friday from 9 am to 5 pm Eastern "
                "Time, and we usually reply within one business day. Messages sent at the "
                "weekend or on public holidays are answered on the next business day.</p>",
            ),
            ("heading", {"text": "Help us help you faster", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "For an order question, give your order number and the email "
                        "address you ordered with",
                        "For a damaged or wrong delivery, tell us what arrived: we will reply "
                        "so that you can send us a photo of the parcel and the contents",
                        "For a return, tell us which pack you are returning and whether it is "
                        "opened",
                        "For affiliate or press enquiries, choose “Affiliate program” or "
                        "“Press” as the subject",
                    ],
                    "ordered": False,
                },
            ),
            ("heading", {"text": "What happens after you write", "level": "h2"}),
            (
                "paragraph",
                "<p>Every message gets a reply from a named member of our team, not an "
                "automated ticket. If we need to check something with our warehouse or the "
                "carrier, we will tell you so and give you a date by which you will hear back. "
                "Replies come from the same address, so please add it to your contacts to keep "
                "our answers out of your spam folder.</p>",
            ),
            ("heading", {"text": "What we cannot help with", "level": "h2"}),
            (
                "paragraph",
                "<p>We are happy to explain what is in B12 Patch and how to use it, but we are "
                "not able to give medical advice, interpret blood test results, or tell you "
                "whether a supplement is right for you. Your doctor or pharmacist is the best "
                "person to ask about those questions.</p>",
            ),
            (
                "callout",
                {
                    "tone": "warning",
                    "title": "In an emergency",
                    "text": "<p>If you think you are having a medical emergency or a severe "
                    "allergic reaction, do not write to us. Call 911 or your local emergency "
                    "number straight away.</p>",
                },
            ),
            ("heading", {"text": "Your message and your privacy", "level": "h2"}),
            (
                "paragraph",
                "<p>We use your name, address and message only to answer you, and delete "
                "messages a year after they arrive, as described in our Privacy Policy. You may "
                "also find your answer straight away in our FAQ.</p>",
            ),
        ],
    },
    # ------------------------------------------------------------------ Order
    {
        "slug": "order",
        "title": "Order",
        "intro": (
            "B12 Patch comes in three pack sizes. Choose one below and add it to your cart; "
            "bigger packs cost less per month."
        ),
        "search_description": (
            "Order B12 Patch in packs of 30, 90 or 180 patches: one, three or six months of "
            "daily vitamin B12."
        ),
        "show_health_disclaimer": False,
        "body": [
            ("heading", {"text": "Choose your pack", "level": "h2"}),
            (
                "comparison_table",
                {
                    "caption": "B12 Patch pack sizes",
                    "left_heading": "Pack",
                    "right_heading": "What you get",
                    "rows": [
                        {
                            "left": "1-month pack",
                            "right": "30 patches, each in its own sealed pouch: one patch a "
                            "day for a month",
                        },
                        {
                            "left": "3-month pack",
                            "right": "90 patches for about three months, with free standard "
                            "shipping in the United States",
                        },
                        {
                            "left": "6-month pack",
                            "right": "180 patches for about six months, with free standard "
                            "shipping in the United States and our lowest price per patch",
                        },
                    ],
                },
            ),
            (
                "paragraph",
                "<p>Every pack contains the same patches; larger packs simply cost less per "
                "day. Each patch is sealed in a foil pouch, so patches stay fresh until you "
                "open them, and every box is marked with a batch number and a best-before "
                "date.</p>",
            ),
            ("heading", {"text": "How ordering works", "level": "h2"}),
            (
                "paragraph",
                "<p>Add a pack to your cart above, check out as a guest or with an account, and "
                "pay on our payment provider’s secure page: we never see your card number. "
                "You get a confirmation email straight away and another with a tracking link "
                "when your parcel leaves us. Any unopened pack can be returned within 30 days "
                "of delivery under our Shipping &amp; Return Policy.</p>",
            ),
            ("heading", {"text": "Payment and delivery", "level": "h2"}),
            (
                "paragraph",
                "<p>Prices are in US dollars, with shipping and any sales tax added "
                "at checkout before you confirm. Orders placed before noon Eastern Time on a "
                "business day normally leave the same day, and standard delivery within the "
                "United States takes 3 to 7 business days. We also ship to Canada and many "
                "other countries.</p>",
            ),
            ("heading", {"text": "Before you order", "level": "h2"}),
            (
                "bullet_list",
                {
                    "items": [
                        "Read the Product Information page for ingredients, directions and "
                        "warnings",
                        "Talk to your doctor first if you are pregnant or breastfeeding, take "
                        "any medicine, or have a medical condition",
                        "Check that you are not sensitive to medical adhesives",
                        "If you have been prescribed B12 by your doctor, keep to that "
                        "treatment; a supplement is not a replacement for it",
                    ],
                    "ordered": False,
                },
            ),
            (
                "callout",
                {
                    "tone": "tip",
                    "title": "Not sure which pack to pick?",
                    "text": "<p>If you are new to patches, the 1-month pack lets you check that "
                    "the adhesive suits your skin before committing to a larger pack. You can "
                    "always move up to a bigger pack with your next order.</p>",
                },
            ),
        ],
    },
]

PRODUCTS_INDEX = {
    "slug": "products",
    "title": "Products",
    "intro": (
        "B12 Patch makes one product and makes it carefully: a daily vitamin B12 supplement "
        "worn on the skin, available in 1-, 3- and 6-month packs."
    ),
}

PRODUCT_PAGE = {
    "slug": "b12-patch",
    "title": "Product Information",
    "intro": (
        "What B12 Patch is, what is in it, how to wear it, and who should check with a doctor "
        "before using it."
    ),
    "search_description": (
        "B12 Patch product information: ingredients, directions for use, warnings and "
        "storage for our daily vitamin B12 patch."
    ),
    "show_health_disclaimer": True,
    "body": [
        ("heading", {"text": "What B12 Patch is", "level": "h2"}),
        (
            "paragraph",
            "<p>B12 Patch is a dietary supplement: vitamin B12 held in a thin, flexible patch "
            "that you wear on your skin. It was made for people who would rather not swallow "
            "another tablet, who find capsules hard to take, or who simply like a routine they "
            "can set and forget. Each patch is worn for one day and then thrown away.</p>",
        ),
        (
            "image",
            {
                "image": "patch-hero",
                "alt_text": "Illustration of a small round patch on the skin of an upper arm",
                "caption": "The upper arm is one of several comfortable places to wear the patch.",
            },
        ),
        ("heading", {"text": "Ingredients", "level": "h2"}),
        (
            "comparison_table",
            {
                "caption": "What each patch contains",
                "left_heading": "Ingredient",
                "right_heading": "Details",
                "rows": [
                    {
                        "left": "Vitamin B12 (as methylcobalamin)",
                        "right": "1,000 micrograms per patch, in the adhesive layer",
                    },
                    {
                        "left": "Medical-grade acrylic adhesive",
                        "right": "Hypoallergenic and latex-free; holds the vitamin against "
                        "the skin",
                    },
                    {
                        "left": "Polyethylene backing film",
                        "right": "Thin, flexible and water-resistant outer layer",
                    },
                    {
                        "left": "Release liner",
                        "right": "Peeled off before use and thrown away",
                    },
                ],
            },
        ),
        (
            "paragraph",
            "<p>B12 Patch contains no gluten, dairy, soy, latex or animal-derived "
            "ingredients, and no added colors or fragrances.</p>",
        ),
        ("heading", {"text": "How to use it", "level": "h2"}),
        (
            "bullet_list",
            {
                "items": [
                    "Choose clean, dry skin with little hair, such as the upper arm, the inside "
                    "of the wrist, the top of the foot or the back of the shoulder",
                    "Avoid lotion, oil or sunscreen on that spot, as they stop the patch from "
                    "sticking",
                    "Tear open one pouch, peel off the liner and press the patch firmly in "
                    "place for ten seconds",
                    "Wear one patch a day for up to 24 hours, then peel it off and fold it in "
                    "half, sticky sides together, before throwing it away",
                    "Use a different spot each day so the skin can rest",
                ],
                "ordered": True,
            },
        ),
        (
            "paragraph",
            "<p>The patch is water-resistant, so you can shower with it on; long baths, "
            "swimming or heavy sweating may loosen it. If a patch falls off, put on a new one "
            "and carry on as usual the next day. Do not wear more than one patch at a time.</p>",
        ),
        ("heading", {"text": "Warnings", "level": "h2"}),
        (
            "bullet_list",
            {
                "items": [
                    "Talk to your doctor before use if you are pregnant or breastfeeding, take "
                    "any medicine, or have a medical condition",
                    "Do not use B12 Patch in place of B12 treatment your doctor has prescribed",
                    "Do not apply to broken, irritated, sunburned or freshly shaved skin",
                    "Stop using the patch and remove it if you notice redness, itching or a "
                    "rash that does not settle; see a doctor if the reaction is severe",
                    "Do not use if you are allergic to any of the ingredients or to medical "
                    "adhesives",
                    "Not for children under 12 unless a doctor advises it",
                    "Keep out of reach of children",
                ],
                "ordered": False,
            },
        ),
        ("heading", {"text": "Storage", "level": "h2"}),
        (
            "paragraph",
            "<p>Store the box at room temperature, away from direct sunlight and moisture. "
            "Keep each patch in its sealed pouch until you are ready to use it, and do not use "
            "patches after the best-before date printed on the box.</p>",
        ),
        (
            "callout",
            {
                "tone": "warning",
                "title": "A supplement, not a medicine",
                "text": "<p>B12 Patch is a dietary supplement. It is not intended to diagnose, "
                "treat, cure or prevent any disease, and it does not replace a varied diet or "
                "care from your doctor. If you think you may be low in vitamin B12, ask your "
                "doctor for a blood test before you start any supplement.</p>",
            },
        ),
    ],
}

BLOG_INDEX = {
    "slug": "blog",
    "title": "Blog",
    "intro": (
        "Plain-language articles about vitamin B12: what it does, where it comes from, how the "
        "body absorbs it, and who is most likely to run short. Every post lists its sources."
    ),
    "search_description": (
        "The B12 Patch blog: articles on vitamin B12 deficiency, diet, absorption, pregnancy "
        "and bone and nerve health, with references."
    ),
}

SITE_MAP = {
    "slug": "site-map",
    "title": "Site Map",
    "intro": "Every page on the B12 Patch site in one place, from product details to the blog.",
}

BRAND = {
    "brand_name": "B12 Patch",
    "tagline": "Daily vitamin B12, worn on the skin",
    "description": (
        "B12 Patch is a small company making a daily vitamin B12 supplement in patch form, for "
        "people who would rather not take another tablet. We also publish plain-language "
        "articles about vitamin B12, with references to the research behind them."
    ),
    "contact_email": "hello@b12patch.example",
    "health_disclaimer": (
        "These statements have not been evaluated by the Food and Drug Administration. This "
        "product is not intended to diagnose, treat, cure, or prevent any disease. The "
        "information on this site is for general education and is not a substitute for advice "
        "from your own doctor, so please talk to a doctor before starting any supplement, "
        "especially if you are pregnant, take medicines or have a health condition."
    ),
}

# The affiliate program's settings (AffiliateProgramSettings of the default site): the figures
# keep the model's defaults (15%, 30 days, 50.00, monthly); these are the terms and disclosure.
AFFILIATE_PROGRAM = {
    "disclosure": (
        "I earn a commission if you buy B12 Patch through my links, at no extra cost to you."
    ),
    "terms": (
        "<h3>1. Joining</h3>"
        "<p>Anyone aged 18 or over with a website, channel, newsletter or social account may "
        "apply. We read every application and may decline one without giving a reason, for "
        "example when the content does not suit a health brand.</p>"
        "<h3>2. What earns a commission</h3>"
        "<ul>"
        "<li>An order placed within the cookie window after a visitor clicks your link, or "
        "one that uses a coupon we gave you.</li>"
        "<li>Only paid orders count. The commission is worked out on the products after "
        "discounts, without shipping and taxes.</li>"
        "<li>If a visitor clicked more than one affiliate’s link, the rule shown in the "
        "program box decides who gets the order.</li>"
        "<li>Your own orders, orders from your household and orders we find to be made "
        "with fake clicks earn nothing.</li>"
        "</ul>"
        "<h3>3. Refunds</h3>"
        "<p>A commission stays pending until the order’s return period has passed. A refund "
        "reduces or cancels it; a refund after you were paid is deducted from your next "
        "payout.</p>"
        "<h3>4. Payouts</h3>"
        "<p>We pay approved commissions on the schedule in the program box, by PayPal or "
        "bank transfer, once your approved balance reaches the threshold. Keep your payout "
        "details up to date by writing to us; you are responsible for the taxes on what you "
        "earn.</p>"
        "<h3>5. How you promote us</h3>"
        "<ul>"
        "<li>Disclose clearly, next to every link or code, that you earn a commission.</li>"
        "<li>Describe B12 Patch only with the facts on our product page. Never say or suggest "
        "that it diagnoses, treats, cures or prevents a disease, and never promise "
        "results.</li>"
        "<li>No spam, no fake reviews, no coupon or cashback sites, no paid search ads on "
        "our brand name, and no pretending to be us.</li>"
        "</ul>"
        "<h3>6. Ending the partnership</h3>"
        "<p>You may leave at any time by writing to us. We may suspend or end an affiliate "
        "account that breaks these terms, and withhold commission on the orders concerned. "
        "Approved commissions earned fairly are paid.</p>"
        "<h3>7. Changes</h3>"
        "<p>We may change these terms or the figures in the program box; we email affiliates "
        "at least 30 days before a change that lowers commission, and orders placed before "
        "it keep the old terms.</p>"
    ),
}

AFFILIATE_BANNER_IMAGE = {
    "affiliate-banner": {
        "title": "B12 Patch affiliate banner",
        "motif": "patch",
        "palette": ("#14532d", "#bbf7d0"),
        "credit": "Illustration: drawn for the B12 Patch demo",
    },
}

AFFILIATE_CREATIVES = [
    {
        "name": "Banner: one small patch a day",
        "kind": "banner",
        "image": "affiliate-banner",
        "text": "B12 Patch: vitamin B12 in a small patch worn on the skin",
        "landing_path": "/products/b12-patch/",
    },
    {
        "name": "Text link: order page",
        "kind": "text",
        "text": "Try B12 Patch, vitamin B12 in a daily patch",
        "landing_path": "/order/",
    },
]

# A demo affiliate, approved, to show the dashboard (its password is in the README).
DEMO_AFFILIATE = {
    "email": "affiliate@b12patch.example",
    "first_name": "Robin",
    "last_name": "Fields",
    "code": "b12friend",
    "website": "https://plantplate.example, @plantplate on Instagram",
    "promotion": (
        "A weekly newsletter and blog about plant-based cooking. I would mention the patch in "
        "a post about getting enough vitamin B12 on a vegan diet, with a clear disclosure."
    ),
    "paypal_email": "affiliate@b12patch.example",
}
DEMO_AFFILIATE_PASSWORD = "b12-affiliate-demo"
