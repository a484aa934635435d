from countyworks.core.programs import NavItem, ProgramConfig


class FakeProgramConfig(ProgramConfig):
    name = "tests.fake_program"
    label = "fake_program"
    verbose_name = "Fake program"

    url_prefix = "fake/"
    urls = "tests.fake_program.urls"
    api_router = "tests.fake_program.hooks.router"
    cli_commands = "tests.fake_program.cli"
    brief = "tests.fake_program.hooks.brief_text"
    nav_items = (NavItem("Fake", "fake_program:home", "shared", "★"),)
    home_tiles = "tests.fake_program.hooks.home_tiles"
    demo_after = ("innovation",)
    demo_loader = "tests.fake_program.hooks.load_demo"
    demo_services = None
    milestones = ("tests.fake_program.hooks.milestones",)
    import_kinds = None
    tasks = None
    jobs = {"fake_program.count": "tests.fake_program.hooks.count_job"}
    backup_notes = None
    before_restore = None
    ticket_subjects = ()
    indicators = "tests.fake_program.hooks.INDICATORS"
    organisation_profile = "tests.fake_program.hooks.organisation_profile"
    village_profile = None
