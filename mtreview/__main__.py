from mtreview.cli import main

raise SystemExit(main())
