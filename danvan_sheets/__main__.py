from danvan_sheets.cli import main

main()
