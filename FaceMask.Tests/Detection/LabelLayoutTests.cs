using FaceMask.Training.Detection;
using OpenCvSharp;

namespace FaceMask.Tests.Detection;

/// <summary>Labels of an annotated photo stay inside it and never cover one another, however crowded.</summary>
public sealed class LabelLayoutTests
{
    [Fact]
    public void Labels_of_a_crowd_stay_inside_the_photo_and_apart()
    {
        // Ten faces in a row near the top and two at the right edge: labels would collide above and run off the side.
        var boxes = Enumerable.Range(0, 10).Select(i => new Rect(5 + (i * 38), 4, 36, 36))
            .Concat([new Rect(380, 150, 20, 20), new Rect(385, 160, 15, 15)]).ToList();

        var places = LabelLayout.Place(boxes.Select(b => (b, new Size(90, 14), new Size(20, 14))).ToList(), 400, 300);

        AssertInsideAndApart(places, 400, 300);
        Assert.All(places, p => Assert.NotEqual(LabelText.None, p.Text)); // there is room for every face's label
        Assert.Equal(LabelText.Full, places[0].Text);
        Assert.Equal(new Rect(310, 136, 90, 14), places[10].Area); // room above: the full label sits just above its box, moved left into the photo
        for (var i = 0; i < boxes.Count; i++)
        {
            // Near its face: no more than two label lines away from the box, so a reader can tell whose it is.
            var gap = Math.Max(places[i].Area.Top - boxes[i].Bottom, boxes[i].Top - places[i].Area.Bottom);
            Assert.True(gap <= 28, $"label {i} is {gap} px from its box");
        }
    }

    [Fact]
    public void A_crowd_with_no_room_for_full_labels_gets_brief_ones_then_bare_boxes()
    {
        // 60 faces on a 200x100 photo: 60 full labels (120x16) cannot fit, brief ones (24x16) label many more.
        var boxes = (from row in Enumerable.Range(0, 4) from column in Enumerable.Range(0, 15) select new Rect(column * 13, 5 + (row * 24), 12, 12)).ToList();

        var places = LabelLayout.Place(boxes.Select(b => (b, new Size(120, 16), new Size(24, 16))).ToList(), 200, 100);

        AssertInsideAndApart(places, 200, 100);
        Assert.Contains(places, p => p.Text == LabelText.Full);
        Assert.Contains(places, p => p.Text == LabelText.Brief);
        Assert.Equal(LabelText.Full, places[0].Text); // the first face (the most confident) keeps its full label
        var fullOnly = LabelLayout.Place(boxes.Select(b => (b, new Size(120, 16), new Size(120, 16))).ToList(), 200, 100);
        var (labelled, labelledFullOnly) = (places.Count(p => p.Text != LabelText.None), fullOnly.Count(p => p.Text != LabelText.None));
        Assert.True(labelled >= 2 * labelledFullOnly, $"brief labels should label many more faces: {labelled} against {labelledFullOnly} with full labels only");
    }

    [Fact]
    public void A_label_wider_than_the_photo_falls_back_to_the_brief_one()
    {
        var places = LabelLayout.Place([(new Rect(10, 10, 30, 30), new Size(120, 16), new Size(24, 16))], 100, 80);

        Assert.Equal(new LabelPlace(new Rect(10, 40, 24, 16), LabelText.Brief), places[0]);
    }

    private static void AssertInsideAndApart(LabelPlace[] places, int width, int height)
    {
        var labelled = places.Where(p => p.Text != LabelText.None).Select(p => p.Area).ToList();
        Assert.All(labelled, p => Assert.True(p.X >= 0 && p.Y >= 0 && p.Right <= width && p.Bottom <= height, $"{p} leaves the photo"));
        for (var i = 0; i < labelled.Count; i++)
        {
            for (var j = i + 1; j < labelled.Count; j++)
            {
                Assert.False(labelled[i].IntersectsWith(labelled[j]), $"labels {i} and {j} overlap: {labelled[i]} {labelled[j]}");
            }
        }
    }
}
