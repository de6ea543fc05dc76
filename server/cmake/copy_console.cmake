# cmake -DSOURCE=server/office -DGOVUK=node_modules/govuk-frontend/dist/govuk
#       -DOUT=<build>/share/doorstep/office -P copy_console.cmake
# The console's own pages and static files, GOV.UK Frontend's CSS and JS with its
# asset URLs moved from /assets/ to /office/assets/ (where the hub serves them), and
# its images. Not its GDS Transport font: that typeface is for services on GOV.UK
# only, and a council's service is not one, so the CSS is given Arial, as the Design
# System asks of services elsewhere.
file(REMOVE_RECURSE "${OUT}")
file(COPY "${SOURCE}/pages" "${SOURCE}/static" DESTINATION "${OUT}")
file(COPY "${GOVUK}/assets/images" DESTINATION "${OUT}/assets")
file(READ "${GOVUK}/govuk-frontend.min.css" css)
string(REPLACE "url(/assets/" "url(/office/assets/" css "${css}")
string(REGEX REPLACE "@font-face{font-family:GDS Transport;[^}]*}" "" css "${css}")
string(REPLACE "font-family:GDS Transport,arial,sans-serif" "font-family:arial,sans-serif" css "${css}")
string(REPLACE "font-family:GDS Transport" "font-family:arial,sans-serif" css "${css}")
file(WRITE "${OUT}/govuk/govuk-frontend.min.css" "${css}")
file(COPY "${GOVUK}/govuk-frontend.min.js" DESTINATION "${OUT}/govuk")
