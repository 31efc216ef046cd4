from newsbot.cli import main

raise SystemExit(main())
