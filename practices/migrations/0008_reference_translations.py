"""Translate the reference data into French, Spanish, Arabic, Russian and Simplified Chinese.

The English texts come from cities/0002_coalitions and practices/0002_reference_data. A column
is only filled while it is still empty (null or ""), so that translations editors have since
changed in the admin are never overwritten. Fields whose English text is empty (the coalitions'
descriptions, some short names) are left alone. Going backwards keeps the texts.
"""

from django.db import migrations

THEMES = {
    "vigilance": {
        "fr": {
            "title": "Vigilance contre le racisme et la discrimination",
            "description": "Réseaux municipaux d'observation, d'alerte et de solidarité qui repèrent "
            "tôt le racisme et la discrimination et les dénoncent.",
        },
        "es": {
            "title": "Vigilancia contra el racismo y la discriminación",
            "description": "Redes municipales de observación, alerta y solidaridad que detectan a "
            "tiempo el racismo y la discriminación y los denuncian públicamente.",
        },
        "ar": {
            "title": "اليقظة في مواجهة العنصرية والتمييز",
            "description": "شبكات للرصد والإنذار والتضامن على مستوى المدينة تكشف العنصرية "
            "والتمييز في وقت مبكر وترفع صوتها ضدهما.",
        },
        "ru": {
            "title": "Бдительность в отношении расизма и дискриминации",
            "description": "Городские сети мониторинга, оповещения и солидарности, которые "
            "своевременно выявляют расизм и дискриминацию и открыто выступают против них.",
        },
        "zh_hans": {
            "title": "警惕种族主义和歧视",
            "description": "城市层面的监测、预警和团结网络，及早发现种族主义和歧视，并公开予以反对。",
        },
    },
    "data-and-monitoring": {
        "fr": {
            "title": "Données et suivi des politiques municipales",
            "description": "Collecter des données sur le racisme et la discrimination, fixer des "
            "objectifs et des indicateurs communs, et évaluer l'impact des politiques municipales.",
        },
        "es": {
            "title": "Datos y seguimiento de las políticas municipales",
            "description": "Recopilación de datos sobre el racismo y la discriminación, definición de "
            "objetivos e indicadores comunes y evaluación del impacto de las políticas municipales.",
        },
        "ar": {
            "title": "البيانات ورصد السياسات البلدية",
            "description": "جمع البيانات عن العنصرية والتمييز، وتحديد أهداف ومؤشرات مشتركة، "
            "وتقييم أثر السياسات البلدية.",
        },
        "ru": {
            "title": "Данные и мониторинг муниципальной политики",
            "description": "Сбор данных о расизме и дискриминации, постановка целей и определение "
            "общих показателей, оценка воздействия муниципальной политики.",
        },
        "zh_hans": {
            "title": "数据与市政政策监测",
            "description": "收集有关种族主义和歧视的数据，确定目标和共同指标，并评估市政政策的影响。",
        },
    },
    "support-for-victims": {
        "fr": {
            "title": "Soutien aux victimes",
            "description": "Conseil et soutien juridique, psychologique et pratique aux personnes "
            "victimes de racisme et de discrimination, et moyens simples de signaler ces actes.",
        },
        "es": {
            "title": "Apoyo a las víctimas",
            "description": "Asesoramiento y apoyo jurídico, psicológico y práctico para las personas "
            "que sufren racismo y discriminación, y vías sencillas para denunciarlos.",
        },
        "ar": {
            "title": "دعم الضحايا",
            "description": "تقديم المشورة والدعم القانوني والنفسي والعملي للأشخاص الذين يتعرضون "
            "للعنصرية والتمييز، وتوفير سبل ميسَّرة للإبلاغ عنهما.",
        },
        "ru": {
            "title": "Поддержка жертв",
            "description": "Консультации, а также правовая, психологическая и практическая помощь "
            "людям, столкнувшимся с расизмом и дискриминацией, и простые способы сообщить о таких "
            "случаях.",
        },
        "zh_hans": {
            "title": "支持受害者",
            "description": "为遭受种族主义和歧视的人提供咨询以及法律、心理和实际支持，并提供便捷的举报渠道。",
        },
    },
    "participation-and-information": {
        "fr": {
            "title": "Participation et information des habitants",
            "description": "Informer les habitants de leurs droits, de leurs voies de recours et de "
            "leurs obligations, et associer les personnes concernées aux décisions qui les touchent.",
        },
        "es": {
            "title": "Participación y habitantes informados",
            "description": "Informar a los habitantes de sus derechos, vías de recurso y "
            "obligaciones, e implicar a las personas afectadas en las decisiones que les conciernen.",
        },
        "ar": {
            "title": "المشاركة وتوعية السكان",
            "description": "إعلام السكان بحقوقهم وسبل الانتصاف المتاحة لهم وواجباتهم، وإشراك "
            "المعنيين في القرارات التي تخصّهم.",
        },
        "ru": {
            "title": "Участие и информированность жителей",
            "description": "Информирование жителей об их правах, средствах правовой защиты и "
            "обязанностях, а также вовлечение затрагиваемых лиц в принятие касающихся их решений.",
        },
        "zh_hans": {
            "title": "参与和居民知情",
            "description": "让居民了解其权利、救济途径和义务，并让受影响者参与与其相关的决策。",
        },
    },
    "equal-opportunity-economy": {
        "fr": {
            "title": "Égalité des chances dans l'économie locale",
            "description": "Égalité des chances sur le marché du travail, non-discrimination dans les "
            "contrats et les marchés publics de la ville, et partenariats avec les entreprises "
            "locales.",
        },
        "es": {
            "title": "Igualdad de oportunidades en la economía local",
            "description": "Igualdad de oportunidades en el mercado laboral, no discriminación en los "
            "contratos y las compras públicas municipales, y alianzas con las empresas locales.",
        },
        "ar": {
            "title": "تكافؤ الفرص في الاقتصاد المحلي",
            "description": "تكافؤ الفرص في سوق العمل، وعدم التمييز في عقود المدينة ومشترياتها، "
            "والشراكات مع المؤسسات التجارية المحلية.",
        },
        "ru": {
            "title": "Равные возможности в местной экономике",
            "description": "Равные возможности на рынке труда, недискриминация при заключении "
            "городских контрактов и в закупках, партнерство с местным бизнесом.",
        },
        "zh_hans": {
            "title": "地方经济中的机会平等",
            "description": "劳动力市场中的机会平等，城市合同和采购中的不歧视，以及与当地企业的伙伴关系。",
        },
    },
    "city-as-employer-and-service-provider": {
        "fr": {
            "title": "La ville, employeur et prestataire de services garantissant l'égalité des "
            "chances",
            "description": "Recrutement et carrières équitables dans l'administration municipale, "
            "formation du personnel et accès équitable aux services municipaux.",
        },
        "es": {
            "title": "La ciudad como empleadora y prestadora de servicios con igualdad de "
            "oportunidades",
            "description": "Contratación y carreras profesionales justas en la administración "
            "municipal, formación del personal y acceso equitativo a los servicios municipales.",
        },
        "ar": {
            "title": "المدينة بوصفها جهة توظيف ومقدِّمة خدمات تكفل تكافؤ الفرص",
            "description": "التوظيف والمسارات المهنية المنصفة في إدارة المدينة، وتدريب الموظفين، "
            "والوصول المنصف إلى الخدمات البلدية.",
        },
        "ru": {
            "title": "Город как работодатель и поставщик услуг, обеспечивающий равные возможности",
            "description": "Справедливый наем и продвижение по службе в городской администрации, "
            "обучение персонала и равный доступ к муниципальным услугам.",
        },
        "zh_hans": {
            "title": "城市作为机会平等的雇主和服务提供者",
            "description": "市政管理部门公平的招聘和职业发展、工作人员培训，以及公平获得市政服务。",
        },
    },
    "housing": {
        "fr": {
            "title": "Accès équitable au logement",
            "description": "Prévenir la discrimination dans la location, l'achat et le logement "
            "social, et favoriser des quartiers mixtes et inclusifs.",
        },
        "es": {
            "title": "Acceso equitativo a la vivienda",
            "description": "Prevenir la discriminación en el alquiler, la compra y la vivienda "
            "social, y fomentar barrios mixtos e inclusivos.",
        },
        "ar": {
            "title": "الوصول المنصف إلى السكن",
            "description": "منع التمييز في استئجار المساكن وشرائها وفي الإسكان الاجتماعي، ودعم "
            "أحياء مختلطة وشاملة للجميع.",
        },
        "ru": {
            "title": "Справедливый доступ к жилью",
            "description": "Предотвращение дискриминации при аренде и покупке жилья и в сфере "
            "социального жилья, поддержка смешанных инклюзивных районов.",
        },
        "zh_hans": {
            "title": "公平获得住房",
            "description": "防止在租房、购房和社会住房中的歧视，支持多元融合、包容的社区。",
        },
    },
    "education": {
        "fr": {
            "title": "Éducation contre le racisme",
            "description": "Égalité d'accès à l'éducation et apprentissages qui développent le "
            "respect mutuel, la tolérance et la compréhension interculturelle.",
        },
        "es": {
            "title": "Educación contra el racismo",
            "description": "Igualdad de acceso a la educación y aprendizajes que fomentan el respeto "
            "mutuo, la tolerancia y el entendimiento intercultural.",
        },
        "ar": {
            "title": "التعليم لمناهضة العنصرية",
            "description": "المساواة في الوصول إلى التعليم، وتعلُّم يبني الاحترام المتبادل "
            "والتسامح والتفاهم بين الثقافات.",
        },
        "ru": {
            "title": "Образование против расизма",
            "description": "Равный доступ к образованию и обучение, формирующее взаимное уважение, "
            "терпимость и межкультурное взаимопонимание.",
        },
        "zh_hans": {
            "title": "反对种族主义的教育",
            "description": "平等获得教育，开展促进相互尊重、宽容和跨文化理解的学习。",
        },
    },
    "cultural-diversity": {
        "fr": {
            "title": "Promouvoir la diversité culturelle",
            "description": "Donner à toutes les cultures de la ville une place dans la vie publique, "
            "la culture, le sport, les médias et l'espace public.",
        },
        "es": {
            "title": "Promover la diversidad cultural",
            "description": "Dar a todas las culturas de la ciudad un lugar en la vida pública, la "
            "cultura, el deporte, los medios de comunicación y el espacio público.",
        },
        "ar": {
            "title": "تعزيز التنوع الثقافي",
            "description": "إفساح المجال لجميع ثقافات المدينة في الحياة العامة والثقافة والرياضة "
            "ووسائل الإعلام والفضاء العام.",
        },
        "ru": {
            "title": "Поощрение культурного разнообразия",
            "description": "Предоставление всем культурам города места в общественной жизни, "
            "культуре, спорте, СМИ и общественном пространстве.",
        },
        "zh_hans": {
            "title": "促进文化多样性",
            "description": "让城市中的所有文化在公共生活、文化、体育、媒体和公共空间中占有一席之地。",
        },
    },
    "hate-crime-and-conflict": {
        "fr": {
            "title": "Prévention des crimes de haine et gestion des conflits",
            "description": "Prévenir les crimes de haine et la violence raciste, favoriser une "
            "action policière équitable et assurer la médiation des conflits entre communautés.",
        },
        "es": {
            "title": "Prevención de los delitos de odio y gestión de conflictos",
            "description": "Prevenir los delitos de odio y la violencia racista, apoyar una "
            "actuación policial justa y mediar en los conflictos entre comunidades.",
        },
        "ar": {
            "title": "منع جرائم الكراهية وإدارة النزاعات",
            "description": "منع جرائم الكراهية والعنف العنصري، ودعم عمل شُرطي منصف، والوساطة في "
            "النزاعات بين المجتمعات المحلية.",
        },
        "ru": {
            "title": "Предупреждение преступлений на почве ненависти и урегулирование конфликтов",
            "description": "Предупреждение преступлений на почве ненависти и расистского насилия, "
            "содействие беспристрастной работе полиции и посредничество в конфликтах между "
            "общинами.",
        },
        "zh_hans": {
            "title": "预防仇恨犯罪与冲突管理",
            "description": "预防仇恨犯罪和种族主义暴力，支持公正执法，调解社区之间的冲突。",
        },
    },
}

CITY_ROLES = {
    "policy-maker": {
        "fr": {
            "title": "Décideur et régulateur",
            "description": "La ville fixe les règles, les stratégies et la réglementation locale.",
        },
        "es": {
            "title": "Formuladora de políticas y reguladora",
            "description": "La ciudad establece normas, estrategias y normativa local.",
        },
        "ar": {
            "title": "جهة لصنع السياسات والتنظيم",
            "description": "تضع المدينة القواعد والاستراتيجيات والتشريعات المحلية.",
        },
        "ru": {
            "title": "Разработчик политики и регулятор",
            "description": "Город устанавливает правила, стратегии и местные нормативные акты.",
        },
        "zh_hans": {
            "title": "政策制定者和监管者",
            "description": "城市制定规则、战略和地方法规。",
        },
    },
    "employer": {
        "fr": {
            "title": "Employeur",
            "description": "La ville en tant qu'employeur de son propre personnel.",
        },
        "es": {
            "title": "Empleadora",
            "description": "La ciudad como empleadora de su propio personal.",
        },
        "ar": {
            "title": "جهة توظيف",
            "description": "المدينة بوصفها جهة توظيف لموظفيها.",
        },
        "ru": {
            "title": "Работодатель",
            "description": "Город как работодатель для собственных сотрудников.",
        },
        "zh_hans": {
            "title": "雇主",
            "description": "城市作为其自身工作人员的雇主。",
        },
    },
    "service-provider": {
        "fr": {
            "title": "Prestataire de services",
            "description": "La ville gère des services : action sociale, santé, logement, "
            "éducation, culture, espace public.",
        },
        "es": {
            "title": "Prestadora de servicios",
            "description": "La ciudad gestiona servicios: sociales, de salud, de vivienda, de "
            "educación, de cultura y de espacio público.",
        },
        "ar": {
            "title": "جهة مقدِّمة للخدمات",
            "description": "تدير المدينة الخدمات: الاجتماعية والصحية والإسكان والتعليم والثقافة "
            "والفضاء العام.",
        },
        "ru": {
            "title": "Поставщик услуг",
            "description": "Город оказывает услуги в сферах социальной защиты, здравоохранения, "
            "жилья, образования, культуры и общественного пространства.",
        },
        "zh_hans": {
            "title": "服务提供者",
            "description": "城市运营各项服务：社会、卫生、住房、教育、文化和公共空间。",
        },
    },
    "contractor": {
        "fr": {
            "title": "Acheteur et donneur d'ordre",
            "description": "La ville achète des biens et des services et fixe des conditions à ses "
            "cocontractants.",
        },
        "es": {
            "title": "Compradora y contratante",
            "description": "La ciudad adquiere bienes y servicios y fija condiciones a sus "
            "contratistas.",
        },
        "ar": {
            "title": "جهة مشترية ومتعاقِدة",
            "description": "تشتري المدينة السلع والخدمات وتضع شروطاً للمتعاقدين معها.",
        },
        "ru": {
            "title": "Покупатель и заказчик",
            "description": "Город закупает товары и услуги и устанавливает условия для своих "
            "подрядчиков.",
        },
        "zh_hans": {
            "title": "采购方和发包方",
            "description": "城市采购货物和服务，并为其承包商设定条件。",
        },
    },
    "convener": {
        "fr": {
            "title": "Fédérateur et partenaire",
            "description": "La ville réunit les habitants, la société civile et les entreprises, et "
            "porte la voix de la communauté.",
        },
        "es": {
            "title": "Convocante y aliada",
            "description": "La ciudad reúne a los habitantes, la sociedad civil y las empresas, y "
            "habla en nombre de la comunidad.",
        },
        "ar": {
            "title": "جهة جامعة وشريكة",
            "description": "تجمع المدينة السكان والمجتمع المدني ومؤسسات الأعمال، وتتحدث باسم "
            "المجتمع المحلي.",
        },
        "ru": {
            "title": "Организатор и партнер",
            "description": "Город объединяет жителей, гражданское общество и бизнес и выступает от "
            "имени местного сообщества.",
        },
        "zh_hans": {
            "title": "召集者和合作伙伴",
            "description": "城市将居民、民间社会和企业聚集在一起，并代表社区发声。",
        },
    },
}

TARGET_GROUPS = {
    "migrants-and-refugees": {
        "fr": {"title": "Migrants, réfugiés et demandeurs d'asile"},
        "es": {"title": "Migrantes, refugiados y solicitantes de asilo"},
        "ar": {"title": "المهاجرون واللاجئون وملتمسو اللجوء"},
        "ru": {"title": "Мигранты, беженцы и лица, ищущие убежища"},
        "zh_hans": {"title": "移民、难民和寻求庇护者"},
    },
    "ethnic-minorities": {
        "fr": {"title": "Minorités ethniques et racisées"},
        "es": {"title": "Minorías étnicas y racializadas"},
        "ar": {"title": "الأقليات الإثنية والأقليات المصنَّفة عرقياً"},
        "ru": {"title": "Этнические и расиализированные меньшинства"},
        "zh_hans": {"title": "族裔少数群体和种族化少数群体"},
    },
    "african-descent": {
        "fr": {"title": "Personnes d'ascendance africaine"},
        "es": {"title": "Personas afrodescendientes"},
        "ar": {"title": "المنحدرون من أصل أفريقي"},
        "ru": {"title": "Лица африканского происхождения"},
        "zh_hans": {"title": "非洲人后裔"},
    },
    "indigenous-peoples": {
        "fr": {"title": "Peuples autochtones"},
        "es": {"title": "Pueblos indígenas"},
        "ar": {"title": "الشعوب الأصلية"},
        "ru": {"title": "Коренные народы"},
        "zh_hans": {"title": "土著人民"},
    },
    "roma-and-travellers": {
        "fr": {"title": "Roms et Gens du voyage"},
        "es": {"title": "Romaníes y población itinerante"},
        "ar": {"title": "الروما والرُّحَّل"},
        "ru": {"title": "Рома и тревеллеры"},
        "zh_hans": {"title": "罗姆人和旅行者"},
    },
    "religious-minorities": {
        "fr": {
            "title": "Minorités religieuses (y compris l'antisémitisme et le racisme antimusulman)"
        },
        "es": {
            "title": "Minorías religiosas (incluidos el antisemitismo y el racismo antimusulmán)"
        },
        "ar": {"title": "الأقليات الدينية (بما في ذلك معاداة السامية والعنصرية ضد المسلمين)"},
        "ru": {
            "title": "Религиозные меньшинства (включая антисемитизм и антимусульманский расизм)"
        },
        "zh_hans": {"title": "宗教少数群体（包括反犹太主义和反穆斯林种族主义）"},
    },
    "lgbtiq": {
        "fr": {"title": "Personnes LGBTIQ+"},
        "es": {"title": "Personas LGBTIQ+"},
        "ar": {"title": "أفراد مجتمع الميم (LGBTIQ+)"},
        "ru": {"title": "ЛГБТИК+ люди"},
        "zh_hans": {"title": "LGBTIQ+群体"},
    },
    "persons-with-disabilities": {
        "fr": {"title": "Personnes handicapées"},
        "es": {"title": "Personas con discapacidad"},
        "ar": {"title": "الأشخاص ذوو الإعاقة"},
        "ru": {"title": "Лица с инвалидностью"},
        "zh_hans": {"title": "残疾人"},
    },
    "women-and-girls": {
        "fr": {"title": "Femmes et filles"},
        "es": {"title": "Mujeres y niñas"},
        "ar": {"title": "النساء والفتيات"},
        "ru": {"title": "Женщины и девочки"},
        "zh_hans": {"title": "妇女和女童"},
    },
    "youth": {
        "fr": {"title": "Enfants et jeunes"},
        "es": {"title": "Niños, niñas y jóvenes"},
        "ar": {"title": "الأطفال والشباب"},
        "ru": {"title": "Дети и молодежь"},
        "zh_hans": {"title": "儿童和青年"},
    },
    "older-persons": {
        "fr": {"title": "Personnes âgées"},
        "es": {"title": "Personas mayores"},
        "ar": {"title": "كبار السن"},
        "ru": {"title": "Пожилые люди"},
        "zh_hans": {"title": "老年人"},
    },
    "all-residents": {
        "fr": {"title": "Tous les habitants"},
        "es": {"title": "Todos los habitantes"},
        "ar": {"title": "جميع السكان"},
        "ru": {"title": "Все жители"},
        "zh_hans": {"title": "全体居民"},
    },
}

# Names in each language; acronyms are kept unless the coalition has its own (CMI in French).
# The coalitions' English descriptions are empty, so there is nothing to translate there.
COALITIONS = {
    "eccar": {
        "fr": {
            "name": "Coalition européenne des villes contre le racisme",
            "short_name": "ECCAR",
            "region": "Europe",
        },
        "es": {
            "name": "Coalición Europea de Ciudades contra el Racismo",
            "short_name": "ECCAR",
            "region": "Europa",
        },
        "ar": {
            "name": "التحالف الأوروبي للمدن لمناهضة العنصرية",
            "short_name": "ECCAR",
            "region": "أوروبا",
        },
        "ru": {
            "name": "Европейская коалиция городов против расизма",
            "short_name": "ECCAR",
            "region": "Европа",
        },
        "zh_hans": {
            "name": "欧洲城市反对种族主义联盟",
            "short_name": "ECCAR",
            "region": "欧洲",
        },
    },
    "apcad": {
        "fr": {
            "name": "Coalition des villes contre la discrimination en Asie et dans le Pacifique",
            "short_name": "APCAD",
            "region": "Asie et Pacifique",
        },
        "es": {
            "name": "Coalición de Ciudades contra la Discriminación en Asia y el Pacífico",
            "short_name": "APCAD",
            "region": "Asia y el Pacífico",
        },
        "ar": {
            "name": "تحالف المدن لمناهضة التمييز في آسيا والمحيط الهادئ",
            "short_name": "APCAD",
            "region": "آسيا والمحيط الهادئ",
        },
        "ru": {
            "name": "Коалиция городов против дискриминации в Азиатско-Тихоокеанском регионе",
            "short_name": "APCAD",
            "region": "Азия и Тихий океан",
        },
        "zh_hans": {
            "name": "亚洲及太平洋城市反对歧视联盟",
            "short_name": "APCAD",
            "region": "亚洲及太平洋",
        },
    },
    "lac": {
        "fr": {
            "name": "Coalition des villes d'Amérique latine et des Caraïbes contre le racisme, la "
            "discrimination et la xénophobie",
            "short_name": "Coalición LAC",
            "region": "Amérique latine et Caraïbes",
        },
        "es": {
            "name": "Coalición Latinoamericana y Caribeña de Ciudades contra el Racismo, la "
            "Discriminación y la Xenofobia",
            "short_name": "Coalición LAC",
            "region": "América Latina y el Caribe",
        },
        "ar": {
            "name": "تحالف مدن أمريكا اللاتينية ومنطقة البحر الكاريبي لمناهضة العنصرية والتمييز "
            "وكره الأجانب",
            "short_name": "Coalición LAC",
            "region": "أمريكا اللاتينية ومنطقة البحر الكاريبي",
        },
        "ru": {
            "name": "Коалиция городов Латинской Америки и Карибского бассейна против расизма, "
            "дискриминации и ксенофобии",
            "short_name": "Coalición LAC",
            "region": "Латинская Америка и Карибский бассейн",
        },
        "zh_hans": {
            "name": "拉丁美洲和加勒比城市反对种族主义、歧视和仇外心理联盟",
            "short_name": "Coalición LAC",
            "region": "拉丁美洲和加勒比",
        },
    },
    "africa": {
        "fr": {
            "name": "Coalition des villes africaines contre le racisme et la discrimination",
            "region": "Afrique",
        },
        "es": {
            "name": "Coalición de Ciudades Africanas contra el Racismo y la Discriminación",
            "region": "África",
        },
        "ar": {
            "name": "تحالف المدن الأفريقية لمناهضة العنصرية والتمييز",
            "region": "أفريقيا",
        },
        "ru": {
            "name": "Коалиция африканских городов против расизма и дискриминации",
            "region": "Африка",
        },
        "zh_hans": {
            "name": "非洲城市反对种族主义和歧视联盟",
            "region": "非洲",
        },
    },
    "arab": {
        "fr": {
            "name": "Coalition des villes arabes contre le racisme, la discrimination, la xénophobie "
            "et l'intolérance",
            "region": "États arabes",
        },
        "es": {
            "name": "Coalición de Ciudades Árabes contra el Racismo, la Discriminación, la "
            "Xenofobia y la Intolerancia",
            "region": "Estados Árabes",
        },
        "ar": {
            "name": "تحالف المدن العربية لمناهضة العنصرية والتمييز وكره الأجانب والتعصب",
            "region": "الدول العربية",
        },
        "ru": {
            "name": "Коалиция арабских городов против расизма, дискриминации, ксенофобии и "
            "нетерпимости",
            "region": "Арабские государства",
        },
        "zh_hans": {
            "name": "阿拉伯城市反对种族主义、歧视、仇外心理和不容忍联盟",
            "region": "阿拉伯国家",
        },
    },
    "cim": {
        "fr": {
            "name": "Coalition des municipalités inclusives (Canada)",
            "short_name": "CMI",
            "region": "Canada",
        },
        "es": {
            "name": "Coalición de Municipios Inclusivos (Canadá)",
            "short_name": "CIM",
            "region": "Canadá",
        },
        "ar": {
            "name": "تحالف البلديات الشاملة للجميع (كندا)",
            "short_name": "CIM",
            "region": "كندا",
        },
        "ru": {
            "name": "Коалиция инклюзивных муниципалитетов (Канада)",
            "short_name": "CIM",
            "region": "Канада",
        },
        "zh_hans": {
            "name": "包容性市镇联盟（加拿大）",
            "short_name": "CIM",
            "region": "加拿大",
        },
    },
    "usccar": {
        "fr": {
            "name": "Coalition des villes des États-Unis contre le racisme et la discrimination",
            "region": "États-Unis d'Amérique",
        },
        "es": {
            "name": "Coalición de Ciudades de los Estados Unidos contra el Racismo y la "
            "Discriminación",
            "region": "Estados Unidos de América",
        },
        "ar": {
            "name": "تحالف مدن الولايات المتحدة لمناهضة العنصرية والتمييز",
            "region": "الولايات المتحدة الأمريكية",
        },
        "ru": {
            "name": "Коалиция городов США против расизма и дискриминации",
            "region": "Соединенные Штаты Америки",
        },
        "zh_hans": {
            "name": "美国城市反对种族主义和歧视联盟",
            "region": "美利坚合众国",
        },
    },
    "brazil": {
        "fr": {
            "name": "Coalition brésilienne des villes inclusives et durables",
            "region": "Brésil",
        },
        "es": {
            "name": "Coalición Brasileña de Ciudades Inclusivas y Sostenibles",
            "region": "Brasil",
        },
        "ar": {
            "name": "التحالف البرازيلي للمدن الشاملة للجميع والمستدامة",
            "region": "البرازيل",
        },
        "ru": {
            "name": "Бразильская коалиция инклюзивных и устойчивых городов",
            "region": "Бразилия",
        },
        "zh_hans": {
            "name": "巴西包容性和可持续城市联盟",
            "region": "巴西",
        },
    },
}

# Commitment titles by (coalition slug, number) and language. The French titles of CIM 1 and 2
# are the wording of the Canadian coalition's French Common Commitments; the others follow it.
COMMITMENTS = {
    ("eccar", 1): {
        "fr": "Renforcement de la vigilance contre le racisme",
        "es": "Mayor vigilancia contra el racismo",
        "ar": "تعزيز اليقظة في مواجهة العنصرية",
        "ru": "Повышение бдительности в отношении расизма",
        "zh_hans": "加强对种族主义的警惕",
    },
    ("eccar", 2): {
        "fr": "Évaluer le racisme et la discrimination et assurer le suivi des politiques "
        "municipales",
        "es": "Evaluar el racismo y la discriminación y hacer el seguimiento de las políticas "
        "municipales",
        "ar": "تقييم العنصرية والتمييز ورصد السياسات البلدية",
        "ru": "Оценка расизма и дискриминации и мониторинг муниципальной политики",
        "zh_hans": "评估种族主义和歧视，监测市政政策",
    },
    ("eccar", 3): {
        "fr": "Un meilleur soutien aux victimes du racisme et de la discrimination",
        "es": "Mejor apoyo a las víctimas del racismo y la discriminación",
        "ar": "تحسين دعم ضحايا العنصرية والتمييز",
        "ru": "Более эффективная поддержка жертв расизма и дискриминации",
        "zh_hans": "更好地支持种族主义和歧视的受害者",
    },
    ("eccar", 4): {
        "fr": "Plus de participation et une meilleure information des habitants",
        "es": "Más participación y habitantes mejor informados",
        "ar": "زيادة المشاركة وتحسين إعلام سكان المدينة",
        "ru": "Более широкое участие и лучшая информированность горожан",
        "zh_hans": "扩大参与，让城市居民更加知情",
    },
    ("eccar", 5): {
        "fr": "La ville, promotrice active des pratiques d'égalité des chances",
        "es": "La ciudad como defensora activa de las prácticas de igualdad de oportunidades",
        "ar": "المدينة بوصفها داعماً نشطاً لممارسات تكافؤ الفرص",
        "ru": "Город как активный сторонник практики равных возможностей",
        "zh_hans": "城市积极支持机会平等做法",
    },
    ("eccar", 6): {
        "fr": "La ville, employeur et prestataire de services garantissant l'égalité des chances",
        "es": "La ciudad como empleadora y prestadora de servicios con igualdad de oportunidades",
        "ar": "المدينة بوصفها جهة توظيف ومقدِّمة خدمات تكفل تكافؤ الفرص",
        "ru": "Город как работодатель и поставщик услуг, обеспечивающий равные возможности",
        "zh_hans": "城市作为机会平等的雇主和服务提供者",
    },
    ("eccar", 7): {
        "fr": "Accès équitable au logement",
        "es": "Acceso equitativo a la vivienda",
        "ar": "الوصول المنصف إلى السكن",
        "ru": "Справедливый доступ к жилью",
        "zh_hans": "公平获得住房",
    },
    ("eccar", 8): {
        "fr": "Combattre le racisme et la discrimination par l'éducation",
        "es": "Combatir el racismo y la discriminación a través de la educación",
        "ar": "التصدي للعنصرية والتمييز من خلال التعليم",
        "ru": "Противодействие расизму и дискриминации через образование",
        "zh_hans": "通过教育抵制种族主义和歧视",
    },
    ("eccar", 9): {
        "fr": "Promouvoir la diversité culturelle",
        "es": "Promover la diversidad cultural",
        "ar": "تعزيز التنوع الثقافي",
        "ru": "Поощрение культурного разнообразия",
        "zh_hans": "促进文化多样性",
    },
    ("eccar", 10): {
        "fr": "Crimes de haine et gestion des conflits",
        "es": "Delitos de odio y gestión de conflictos",
        "ar": "جرائم الكراهية وإدارة النزاعات",
        "ru": "Преступления на почве ненависти и урегулирование конфликтов",
        "zh_hans": "仇恨犯罪与冲突管理",
    },
    ("apcad", 1): {
        "fr": "Évaluer le racisme et la discrimination et assurer le suivi des politiques "
        "municipales",
        "es": "Evaluar el racismo y la discriminación y hacer el seguimiento de las políticas "
        "municipales",
        "ar": "تقييم العنصرية والتمييز ورصد السياسات البلدية",
        "ru": "Оценка расизма и дискриминации и мониторинг муниципальной политики",
        "zh_hans": "评估种族主义和歧视，监测市政政策",
    },
    ("apcad", 2): {
        "fr": "Exercer un leadership politique à l'échelle de la ville et des communautés pour "
        "répondre aux problèmes de discrimination et d'exclusion",
        "es": "Ejercer el liderazgo político en la ciudad y en la comunidad para abordar los "
        "problemas de discriminación y exclusión",
        "ar": "توفير القيادة السياسية على مستوى المدينة والمجتمع المحلي لمعالجة قضايا التمييز "
        "والإقصاء",
        "ru": "Обеспечение политического руководства на уровне города и местного сообщества для "
        "решения проблем дискриминации и изоляции",
        "zh_hans": "在城市和社区层面发挥政治领导作用，解决歧视和排斥问题",
    },
    ("apcad", 3): {
        "fr": "Promouvoir une société inclusive",
        "es": "Promover una sociedad inclusiva",
        "ar": "تعزيز مجتمع شامل للجميع",
        "ru": "Содействие формированию инклюзивного общества",
        "zh_hans": "促进包容性社会",
    },
    ("apcad", 4): {
        "fr": "Renforcer le soutien aux victimes du racisme et de la discrimination",
        "es": "Reforzar el apoyo a las víctimas del racismo y la discriminación",
        "ar": "تعزيز الدعم المقدَّم لضحايا العنصرية والتمييز",
        "ru": "Усиление поддержки жертв расизма и дискриминации",
        "zh_hans": "加强对种族主义和歧视受害者的支持",
    },
    ("apcad", 5): {
        "fr": "Favoriser une plus grande participation et l'autonomisation des citadins par l'accès "
        "à l'information",
        "es": "Facilitar una mayor participación y el empoderamiento de los habitantes de la ciudad "
        "mediante el acceso a la información",
        "ar": "تيسير زيادة مشاركة سكان المدينة وتمكينهم من خلال الوصول إلى المعلومات",
        "ru": "Содействие более широкому участию горожан и расширению их прав и возможностей "
        "через доступ к информации",
        "zh_hans": "通过获取信息，促进城市居民更广泛的参与和赋权",
    },
    ("apcad", 6): {
        "fr": "Promouvoir la ville en tant qu'employeur et prestataire de services garantissant "
        "l'égalité des chances",
        "es": "Promover la ciudad como empleadora y prestadora de servicios con igualdad de "
        "oportunidades",
        "ar": "تعزيز دور المدينة بوصفها جهة توظيف ومقدِّمة خدمات تكفل تكافؤ الفرص",
        "ru": "Развитие роли города как работодателя и поставщика услуг, обеспечивающего равные "
        "возможности",
        "zh_hans": "推动城市成为机会平等的雇主和服务提供者",
    },
    ("apcad", 7): {
        "fr": "Promouvoir la ville en tant que promotrice active des pratiques d'égalité des "
        "chances",
        "es": "Promover la ciudad como defensora activa de las prácticas de igualdad de "
        "oportunidades",
        "ar": "تعزيز دور المدينة بوصفها داعماً نشطاً لممارسات تكافؤ الفرص",
        "ru": "Развитие роли города как активного сторонника практики равных возможностей",
        "zh_hans": "推动城市积极支持机会平等做法",
    },
    ("apcad", 8): {
        "fr": "Combattre le racisme et la discrimination par l'éducation",
        "es": "Combatir el racismo y la discriminación a través de la educación",
        "ar": "التصدي للعنصرية والتمييز من خلال التعليم",
        "ru": "Противодействие расизму и дискриминации через образование",
        "zh_hans": "通过教育抵制种族主义和歧视",
    },
    ("apcad", 9): {
        "fr": "Promouvoir la diversité culturelle",
        "es": "Promover la diversidad cultural",
        "ar": "تعزيز التنوع الثقافي",
        "ru": "Поощрение культурного разнообразия",
        "zh_hans": "促进文化多样性",
    },
    ("apcad", 10): {
        "fr": "Prévenir et surmonter l'incitation raciste et la violence qui y est associée",
        "es": "Prevenir y superar la incitación racista y la violencia conexa",
        "ar": "منع التحريض العنصري وما يتصل به من عنف والتغلب عليه",
        "ru": "Предупреждение и преодоление расистского подстрекательства и связанного с ним "
        "насилия",
        "zh_hans": "预防和消除种族主义煽动及相关暴力",
    },
    ("cim", 1): {
        "fr": "Renforcer la vigilance contre le racisme et la discrimination d'ordre systémique et "
        "individuel",
        "es": "Aumentar la vigilancia contra el racismo y la discriminación sistémicos e "
        "individuales",
        "ar": "زيادة اليقظة في مواجهة العنصرية والتمييز المنهجيين والفرديين",
        "ru": "Повышать бдительность в отношении системного и индивидуального расизма и "
        "дискриминации",
        "zh_hans": "提高对系统性和个人种族主义与歧视的警惕",
    },
    ("cim", 2): {
        "fr": "Étendre la surveillance du racisme et de la discrimination au sein de la "
        "collectivité ainsi que les actions municipales prises pour lutter contre le racisme et "
        "la discrimination",
        "es": "Vigilar de forma más amplia el racismo y la discriminación en la comunidad, así como "
        "las medidas municipales adoptadas para hacer frente al racismo y la discriminación",
        "ar": "رصد العنصرية والتمييز في المجتمع المحلي على نطاق أوسع، وكذلك الإجراءات البلدية "
        "المتخذة للتصدي للعنصرية والتمييز",
        "ru": "Вести более широкий мониторинг расизма и дискриминации в обществе, а также мер, "
        "принимаемых муниципалитетом для борьбы с расизмом и дискриминацией",
        "zh_hans": "更广泛地监测社区中的种族主义和歧视，以及市政当局为应对种族主义和歧视所采取的行动",
    },
    ("cim", 3): {
        "fr": "Informer et soutenir les personnes qui sont victimes de racisme et de "
        "discrimination",
        "es": "Informar y apoyar a las personas que sufren racismo y discriminación",
        "ar": "إعلام الأشخاص الذين يتعرضون للعنصرية والتمييز ودعمهم",
        "ru": "Информировать и поддерживать людей, сталкивающихся с расизмом и дискриминацией",
        "zh_hans": "为遭受种族主义和歧视的个人提供信息和支持",
    },
    ("cim", 4): {
        "fr": "Appuyer les services policiers dans leurs efforts pour lutter contre le racisme et "
        "la discrimination",
        "es": "Apoyar a los servicios policiales en sus esfuerzos por combatir el racismo y la "
        "discriminación",
        "ar": "دعم أجهزة الشرطة في جهودها لمكافحة العنصرية والتمييز",
        "ru": "Поддерживать полицейские службы в их усилиях по борьбе с расизмом и дискриминацией",
        "zh_hans": "支持警务部门为打击种族主义和歧视所作的努力",
    },
    ("cim", 5): {
        "fr": "Offrir l'égalité des chances en tant qu'employeur, fournisseur de services et "
        "contractant municipal",
        "es": "Ofrecer igualdad de oportunidades como empleador, prestador de servicios y "
        "contratante municipal",
        "ar": "توفير تكافؤ الفرص بصفة البلدية جهةَ توظيف ومقدِّمةَ خدمات وجهةً متعاقِدة",
        "ru": "Обеспечивать равные возможности в качестве муниципального работодателя, поставщика "
        "услуг и заказчика",
        "zh_hans": "作为市政雇主、服务提供者和发包方提供平等机会",
    },
    ("cim", 6): {
        "fr": "Appuyer les mesures visant à promouvoir l'équité sur le marché du travail",
        "es": "Apoyar medidas para promover la equidad en el mercado laboral",
        "ar": "دعم التدابير الرامية إلى تعزيز الإنصاف في سوق العمل",
        "ru": "Поддерживать меры по обеспечению справедливости на рынке труда",
        "zh_hans": "支持促进劳动力市场公平的措施",
    },
    ("cim", 7): {
        "fr": "Appuyer les mesures visant à contrer le racisme et la discrimination et à promouvoir "
        "la diversité et l'égalité des chances en matière de logement",
        "es": "Apoyar medidas para combatir el racismo y la discriminación y promover la "
        "diversidad y la igualdad de oportunidades en materia de vivienda",
        "ar": "دعم التدابير الرامية إلى التصدي للعنصرية والتمييز وتعزيز التنوع وتكافؤ الفرص في "
        "مجال السكن",
        "ru": "Поддерживать меры по противодействию расизму и дискриминации и поощрению "
        "разнообразия и равных возможностей в сфере жилья",
        "zh_hans": "支持在住房领域抵制种族主义和歧视、促进多样性和机会平等的措施",
    },
    ("cim", 8): {
        "fr": "Faire participer les citoyens en leur donnant voix au chapitre dans les initiatives "
        "de lutte contre le racisme et dans la prise de décisions",
        "es": "Implicar a la ciudadanía dándole voz en las iniciativas contra el racismo y en la "
        "toma de decisiones",
        "ar": "إشراك المواطنين بإعطائهم صوتاً في مبادرات مناهضة العنصرية وفي صنع القرار",
        "ru": "Вовлекать граждан, предоставляя им право голоса в антирасистских инициативах и при "
        "принятии решений",
        "zh_hans": "让公民参与，使其在反种族主义倡议和决策中拥有发言权",
    },
    ("cim", 9): {
        "fr": "Appuyer les mesures visant à contrer le racisme et la discrimination et à promouvoir "
        "la diversité et l'égalité des chances dans le secteur de l'éducation et dans les autres "
        "formes d'apprentissage",
        "es": "Apoyar medidas para combatir el racismo y la discriminación y promover la "
        "diversidad y la igualdad de oportunidades en el sector educativo y en otras formas de "
        "aprendizaje",
        "ar": "دعم التدابير الرامية إلى التصدي للعنصرية والتمييز وتعزيز التنوع وتكافؤ الفرص في "
        "قطاع التعليم وفي أشكال التعلم الأخرى",
        "ru": "Поддерживать меры по противодействию расизму и дискриминации и поощрению "
        "разнообразия и равных возможностей в сфере образования и в других формах обучения",
        "zh_hans": "支持在教育领域及其他形式的学习中抵制种族主义和歧视、促进多样性和机会平等的措施",
    },
    ("cim", 10): {
        "fr": "Promouvoir le respect, la compréhension et l'appréciation de la diversité "
        "culturelle ainsi que l'inclusion des communautés autochtones et racisées dans le tissu "
        "culturel de la municipalité",
        "es": "Promover el respeto, la comprensión y la valoración de la diversidad cultural, así "
        "como la inclusión de las comunidades indígenas y racializadas en el tejido cultural del "
        "municipio",
        "ar": "تعزيز احترام التنوع الثقافي وفهمه وتقديره، وإدماج مجتمعات الشعوب الأصلية "
        "والمجتمعات المصنَّفة عرقياً في النسيج الثقافي للبلدية",
        "ru": "Поощрять уважение, понимание и признание ценности культурного разнообразия, а также "
        "включение коренных и расиализированных сообществ в культурную жизнь муниципалитета",
        "zh_hans": "促进对文化多样性的尊重、理解和欣赏，并将土著社区和种族化社区融入市镇的文化结构",
    },
}


def fill_empty(item, translations):
    """Set each translated column that is still empty; return the number of values set."""
    changed = []
    for language, fields in translations.items():
        for field, text in fields.items():
            column = f"{field}_{language}"
            if getattr(item, column) in (None, ""):
                setattr(item, column, text)
                changed.append(column)
    if changed:
        item.save(update_fields=changed)
    return len(changed)


def translate_reference_data(apps, schema_editor):
    Theme = apps.get_model("practices", "Theme")
    CityRole = apps.get_model("practices", "CityRole")
    TargetGroup = apps.get_model("practices", "TargetGroup")
    Commitment = apps.get_model("practices", "Commitment")
    Coalition = apps.get_model("cities", "Coalition")
    # Rows editors have deleted since are skipped.
    for model, rows in [
        (Theme, THEMES),
        (CityRole, CITY_ROLES),
        (TargetGroup, TARGET_GROUPS),
        (Coalition, COALITIONS),
    ]:
        for slug, translations in rows.items():
            item = model.objects.filter(slug=slug).first()
            if item is not None:
                fill_empty(item, translations)
    for (coalition_slug, number), titles in COMMITMENTS.items():
        item = Commitment.objects.filter(coalition__slug=coalition_slug, number=number).first()
        if item is not None:
            fill_empty(item, {language: {"title": text} for language, text in titles.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0007_practice_translations"),
        ("cities", "0004_translated_names"),
    ]

    operations = [migrations.RunPython(translate_reference_data, migrations.RunPython.noop)]
