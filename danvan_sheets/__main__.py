from danvan_sheets.start import main

main()
